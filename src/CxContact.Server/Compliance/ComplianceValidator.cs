using CxContact.Core.Compliance;
using CxContact.Server.Suppression;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// The decision: suppression (Redis index), attempt windows (Redis), then the rule set, for one prepared attempt.
/// The hot path reads Redis and memory only; which lists apply to a tenant or campaign is cached for a few seconds,
/// and the audit row is queued, not written. If Redis (or the rule set) cannot be read, the answer is deny with
/// the reason compliance-unavailable: fail closed.
/// </summary>
public sealed class ComplianceValidator(
    SuppressionIndex suppression, SuppressionListStore lists, AttemptHistory attempts, DecisionAudit audit, IMemoryCache cache,
    RuleSetStore ruleSets, TimeProvider clock, ILogger<ComplianceValidator> log)
{
    /// <summary>
    /// Which lists apply, and whether any is stale, is cached this long: short, because a list marked stale must
    /// start failing closed quickly on every silo once Redis is back.
    /// </summary>
    public static readonly TimeSpan ListCacheFor = TimeSpan.FromSeconds(2);
    /// <summary>Whether the attempt's rule set exists (checked at the edge, so an unknown one is a 400, not a deny).</summary>
    public async Task<bool> RuleSetExistsAsync(Guid tenantId, string? ruleSetId, CancellationToken ct)
    {
        try { return await ruleSets.EvaluatorAsync(tenantId, ruleSetId, ct) is not null; }
        catch (Npgsql.NpgsqlException) { return true; } // cannot tell now: let the decision fail closed instead
    }

    public async Task<Decision> DecideAsync(Guid tenantId, PreparedAttempt a, CancellationToken ct)
    {
        Decision decision;
        ComplianceEvaluator? evaluator = null;
        try { evaluator = await ruleSets.EvaluatorAsync(tenantId, a.RuleSetId, ct); }
        catch (Exception e) when (e is Npgsql.NpgsqlException or RuleSetException or TimeoutException)
        {
            log.LogWarning("Rule set {RuleSet} cannot be read: {Error}", a.RuleSetId, e.Message);
        }
        if (evaluator is null) decision = ComplianceEvaluator.Unavailable("the rule set cannot be read", a.RuleSetId ?? RuleSetStore.DefaultId);
        else
        {
            try { decision = await DecideAsync(evaluator, tenantId, a, ct); }
            catch (Exception e) when (e is RedisException or RedisTimeoutException or SuppressionIndexUnavailableException or TimeoutException or Npgsql.NpgsqlException)
            {
                log.LogWarning("Compliance unavailable: {Error}", e.Message);
                decision = ComplianceEvaluator.Unavailable($"the suppression index or attempt history cannot be read ({e.GetType().Name})", RuleSets.Default.VersionTag);
            }
        }
        audit.Add(new DecisionAudit.Entry(tenantId, clock.GetUtcNow(), a, decision));
        return decision;
    }

    private async Task<Decision> DecideAsync(ComplianceEvaluator evaluator, Guid tenantId, PreparedAttempt a, CancellationToken ct)
    {
        var listIds = await ListsAsync(tenantId, a.CampaignId, ct);
        var hitTask = listIds.Count == 0 ? Task.FromResult<Core.Suppression.SuppressionHit?>(null)
            : suppression.FindAsync(tenantId, listIds, a.E164, a.Email, a.ClientId, a.At);
        // Most decisions meet no attempt or gap rule (only a few states and countries have them), so the read can be
        // skipped; but only when the suppression lookup reads Redis anyway: some Redis read must fail when Redis is
        // down, or an outage would answer "allow".
        var windowsTask = listIds.Count > 0 && !NeedsAttempts(evaluator.Rules, a)
            ? Task.FromResult(AttemptWindows.None)
            : attempts.ReadAsync(tenantId, a.CampaignId, a.E164 ?? a.Email, a.ContactId, a.ClientId, a.At);
        var hit = await hitTask;
        var windows = await windowsTask;

        // Attempt limits are counted tenant-wide: a campaign-scoped limit then counts more attempts than it would
        // need to, which can only deny earlier, never allow a call the law forbids.
        var decision = evaluator.Evaluate(new ComplianceInput
        {
            At = a.At, Channel = a.Channel, DialingMode = a.DialingMode, Country = a.Country, Region = a.Region, TimeZones = a.TimeZones,
            DeviceType = a.DeviceType, AutodialMobileConsent = a.AutodialMobileConsent,
            PhoneAttempts = windows.Phone, ContactAttempts = windows.Contact, ClientIdAttempts = windows.ClientId,
        });
        if (hit is null) return decision;
        var reason = new DecisionReason("suppressed", $"the {hit.Type} {hit.Value} is on suppression list {hit.ListId}");
        return decision with { Allowed = false, Reasons = [reason, .. decision.Reasons], NextAllowedAt = null };
    }

    /// <summary>
    /// Whether any attempt limit or minimum gap could apply to this attempt: the same country, region and channel
    /// matching the evaluator uses, ignoring effective dates (so it may read when not needed, never the reverse).
    /// </summary>
    private static bool NeedsAttempts(RuleSet rules, PreparedAttempt a)
    {
        foreach (var r in rules.AttemptLimits)
            if (r.Enabled && Applies(r.Country, r.Region, r.Channels, a)) return true;
        foreach (var r in rules.MinimumGaps)
            if (Applies(r.Country, r.Region, r.Channels, a)) return true;
        return false;

        static bool Applies(string? country, string? region, IReadOnlyList<Channel> channels, PreparedAttempt a) =>
            (country is null || country == a.Country) && (region is null || region == a.Region) && channels.Contains(a.Channel);
    }

    private async Task<IReadOnlyList<Guid>> ListsAsync(Guid tenantId, string? campaignId, CancellationToken ct)
    {
        Guid? campaign = Guid.TryParse(campaignId, out var c) ? c : null;
        var applicable = (await cache.GetOrCreateAsync(("suppression-lists", tenantId, campaign), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ListCacheFor;
            return await lists.ApplicableAsync(tenantId, campaign, ct);
        }))!;
        // An index that missed a write cannot say "not suppressed": deny until it is rebuilt.
        foreach (var (listId, stale) in applicable)
            if (stale) throw new SuppressionIndexUnavailableException(listId);
        return applicable.Select(l => l.ListId).ToList();
    }
}
