using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>
/// Where every pre-dial decision is asked for (validate, validate-batch, when, /ocs/validate, leases, why): it sends
/// the prepared attempts to a <see cref="IComplianceValidationGrain"/> on a compliance-role silo. Edge checks that only
/// need the tenant's configuration (does the rule set exist) stay here, on the calling silo.
/// </summary>
public sealed class ComplianceValidator(IGrainFactory grains, RuleSetStore ruleSets)
{
    /// <summary>How many grain keys calls are spread over: each key is placed (and its placement cached) on its own.</summary>
    public const int Workers = 16;

    /// <summary>Whether the attempt's rule set exists (checked at the edge, so an unknown one is a 400, not a deny).</summary>
    public async Task<bool> RuleSetExistsAsync(Guid tenantId, string? ruleSetId, CancellationToken ct)
    {
        try { return await ruleSets.EvaluatorAsync(tenantId, ruleSetId, ct) is not null; }
        catch (Npgsql.NpgsqlException) { return true; } // cannot tell now: let the decision fail closed instead
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SingleDecisionBatcher> _singles = new();

    /// <summary>
    /// One decision. Concurrent ones of a tenant travel together (see <see cref="SingleDecisionBatcher"/>); a
    /// request that gives up (<paramref name="ct"/>) stops waiting, and its decision is still made and audited.
    /// </summary>
    public Task<Decision> DecideAsync(Guid tenantId, PreparedAttempt a, CancellationToken ct) =>
        _singles.GetOrAdd(tenantId, static (t, self) => new SingleDecisionBatcher(t, (tenant, batch) => self.SendAsync(tenant, batch, CancellationToken.None)), this)
            .DecideAsync(a).WaitAsync(ct);

    /// <summary>Decides every attempt, answering in input order, exactly as <see cref="DecideAsync"/> would one by one.</summary>
    public async Task<IReadOnlyList<Decision>> DecideBatchAsync(Guid tenantId, IReadOnlyList<PreparedAttempt> attempts, CancellationToken ct) =>
        await SendAsync(tenantId, attempts as PreparedAttempt[] ?? [.. attempts], ct);

    private Task<Decision[]> SendAsync(Guid tenantId, PreparedAttempt[] attempts, CancellationToken ct) =>
        grains.GetGrain<IComplianceValidationGrain>(Random.Shared.Next(Workers)).DecideBatchAsync(tenantId, attempts, ct);
}
