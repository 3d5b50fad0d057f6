using CxContact.Server.Platform.Hosting;
using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using CxContact.Server.Suppression;
using CxContact.Server.Compliance.Recovery;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace CxContact.Server.Compliance;

/// <summary>
/// The decision: suppression (Redis index), attempt windows (Redis), then the rule set, for a batch of prepared
/// attempts. It runs inside <see cref="ComplianceValidationGrain"/> on a compliance-role silo; callers go through
/// <see cref="ComplianceValidator"/>. The hot path reads Redis (one pipelined round trip per batch, see
/// <see cref="DecisionLookup"/>) and memory only; which lists apply to a tenant or campaign is cached for a few
/// seconds, and audit rows are queued, not written. If Redis (or the rule set) cannot be read, the answer is deny with
/// the reason compliance-unavailable; while Redis is rebuilt from PostgreSQL after losing its data, compliance-rebuilding:
/// fail closed.
/// </summary>
public sealed class ComplianceDecider(
    DecisionLookup lookup, SuppressionListStore lists, DecisionAudit audit, IMemoryCache cache,
    RuleSetStore ruleSets, PlatformClock clock, ILogger<ComplianceDecider> log)
{
    /// <summary>
    /// Which lists apply, and whether any is stale, is cached this long: short, because a list marked stale must
    /// start failing closed quickly on every silo once Redis is back.
    /// </summary>
    public static readonly TimeSpan ListCacheFor = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Decides every attempt, answering in input order, exactly as it would one by one (a single decision is a batch
    /// of one); but each rule set and each campaign's lists are resolved once, and Redis is read in one pipelined
    /// round trip. A read that fails denies every attempt it concerned (compliance-unavailable).
    /// </summary>
    public async Task<Decision[]> DecideBatchAsync(Guid tenantId, IReadOnlyList<PreparedAttempt> attempts, CancellationToken ct)
    {
        var decisions = new Decision[attempts.Count];
        // Attempts sharing a rule set and a campaign share their evaluator and lists: one group each.
        var groups = new Dictionary<(string? RuleSet, string? Campaign), List<int>>();
        for (var i = 0; i < attempts.Count; i++)
        {
            var key = (attempts[i].RuleSetId is RuleSetStore.DefaultId ? null : attempts[i].RuleSetId, attempts[i].CampaignId);
            if (!groups.TryGetValue(key, out var members)) groups[key] = members = [];
            members.Add(i);
        }
        if (groups.Count == 1)
        {
            foreach (var (key, members) in groups) await DecideGroupAsync(tenantId, key.RuleSet, key.Campaign, attempts, members, decisions, ct);
        }
        else
        {
            await Task.WhenAll(groups.Select(g => DecideGroupAsync(tenantId, g.Key.RuleSet, g.Key.Campaign, attempts, g.Value, decisions, ct)));
        }
        await audit.AddAsync(tenantId, clock.GetUtcNow(), attempts, decisions);
        return decisions;
    }

    private async Task DecideGroupAsync(Guid tenantId, string? ruleSetId, string? campaignId, IReadOnlyList<PreparedAttempt> attempts, List<int> items,
        Decision[] decisions, CancellationToken ct)
    {
        ComplianceEvaluator? evaluator = null;
        try { evaluator = await ruleSets.EvaluatorAsync(tenantId, ruleSetId, ct); }
        catch (Exception e) when (e is Npgsql.NpgsqlException or RuleSetException or TimeoutException)
        {
            log.LogWarning("Rule set {RuleSet} cannot be read: {Error}", ruleSetId, e.Message);
        }
        if (evaluator is null)
        {
            var unavailable = ComplianceEvaluator.Unavailable("the rule set cannot be read", ruleSetId ?? RuleSetStore.DefaultId);
            foreach (var i in items) decisions[i] = unavailable;
            return;
        }

        var facts = new DecisionLookup.Facts[items.Count];
        try
        {
            var listIds = await ListsAsync(tenantId, campaignId, ct);
            // Most attempts meet no attempt or gap rule (only a few states and countries have them), so their windows
            // are not read; the script call itself still fails when Redis is down, so an outage never answers "allow".
            var windows = new bool[items.Count];
            for (var k = 0; k < items.Count; k++) windows[k] = NeedsAttempts(evaluator.Rules, attempts[items[k]]);
            await lookup.ReadAsync(tenantId, listIds, attempts, items, windows, facts);
        }
        catch (RedisNotCurrentException e)
        {
            var denied = e.Unreachable
                ? ComplianceEvaluator.Unavailable($"Redis cannot be reached ({e.Message})", RuleSets.Default.VersionTag)
                : ComplianceEvaluator.Rebuilding(e.Message, RuleSets.Default.VersionTag);
            foreach (var i in items) decisions[i] = denied;
            return;
        }
        catch (Exception e) when (e is RedisException or SuppressionIndexUnavailableException or TimeoutException or Npgsql.NpgsqlException)
        {
            log.LogWarning("Compliance unavailable: {Error}", e.Message);
            var unavailable = ComplianceEvaluator.Unavailable($"the suppression index or attempt history cannot be read ({e.GetType().Name})",
                RuleSets.Default.VersionTag);
            foreach (var i in items) decisions[i] = unavailable;
            return;
        }

        // Evaluation is pure CPU, and a function of its input alone: attempts with no attempt history that agree on
        // everything the rules read (instant, place, zones, channel, mode, device, consent) share one evaluation. A
        // batch of numbers checked at one instant has few distinct places, so most of it is a dictionary lookup.
        // A large group is spread over the cores in ranges; a small one stays on this thread.
        if (items.Count == 1)
            decisions[items[0]] = Decide(evaluator, attempts[items[0]], facts[0], null);
        else if (items.Count < ParallelFrom)
        {
            var memo = new System.Collections.Concurrent.ConcurrentDictionary<EvaluationKey, Decision>(1, items.Count);
            for (var k = 0; k < items.Count; k++) decisions[items[k]] = Decide(evaluator, attempts[items[k]], facts[k], memo);
        }
        else
        {
            var memo = new System.Collections.Concurrent.ConcurrentDictionary<EvaluationKey, Decision>();
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, items.Count, ParallelFrom / 2),
                new ParallelOptions { CancellationToken = ct, TaskScheduler = TaskScheduler.Default },
                range =>
                {
                    for (var k = range.Item1; k < range.Item2; k++) decisions[items[k]] = Decide(evaluator, attempts[items[k]], facts[k], memo);
                });
        }
    }

    private const int ParallelFrom = 512;

    /// <summary>Everything <see cref="ComplianceEvaluator.Evaluate"/> reads from an attempt without attempt history.</summary>
    private readonly record struct EvaluationKey(DateTimeOffset At, Channel Channel, DialingMode? Mode, string Country, string? Region, string? Zone0,
        string? Zone1, DeviceType Device, bool? Consent, CallPurpose? Purpose, string? PhoneRegion, string? AreaCode, bool? WrittenSales, bool? Automated);

    private static Decision Decide(ComplianceEvaluator evaluator, PreparedAttempt a, in DecisionLookup.Facts facts,
        System.Collections.Concurrent.ConcurrentDictionary<EvaluationKey, Decision>? memo)
    {
        Decision decision;
        if (memo is not null && facts.Phone.Count == 0 && facts.Contact.Count == 0 && facts.ClientId.Count == 0 && a.TimeZones.Count <= 2)
        {
            var key = new EvaluationKey(a.At, a.Channel, a.DialingMode, a.Country, a.Region, a.TimeZones.Count > 0 ? a.TimeZones[0] : null,
                a.TimeZones.Count > 1 ? a.TimeZones[1] : null, a.DeviceType, a.AutodialMobileConsent, a.Purpose, a.PhoneRegion, a.AreaCode, a.WrittenSalesConsent, a.AutomatedConsent);
            if (!memo.TryGetValue(key, out decision!)) decision = memo.GetOrAdd(key, Evaluate(evaluator, a, facts));
        }
        else decision = Evaluate(evaluator, a, facts);
        if (facts.Hit is not { } hit) return decision;
        var reason = new DecisionReason("suppressed", $"the {hit.Type} {hit.Value} is on suppression list {hit.ListId}");
        return decision with { Allowed = false, Reasons = [reason, .. decision.Reasons], NextAllowedAt = null };
    }

    private static Decision Evaluate(ComplianceEvaluator evaluator, PreparedAttempt a, in DecisionLookup.Facts facts) =>
        evaluator.Evaluate(new ComplianceInput
        {
            At = a.At, Channel = a.Channel, DialingMode = a.DialingMode, Country = a.Country, Region = a.Region, TimeZones = a.TimeZones,
            DeviceType = a.DeviceType, AutodialMobileConsent = a.AutodialMobileConsent, CampaignId = a.CampaignId,
            Purpose = a.Purpose, PhoneRegion = a.PhoneRegion, AreaCode = a.AreaCode, WrittenSalesConsent = a.WrittenSalesConsent,
            AutomatedConsent = a.AutomatedConsent,
            PhoneAttempts = facts.Phone, ContactAttempts = facts.Contact, ClientIdAttempts = facts.ClientId,
        });

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
