using CxContact.Core.Compliance;
using CxContact.Server.Platform.Hosting;
using Orleans.Concurrency;

namespace CxContact.Server.Compliance;

/// <summary>
/// Hosts <see cref="ComplianceDecider"/> on compliance-role silos: a thin grain, the logic is the decider's.
/// <para>
/// Why [StatelessWorker] with [SiloRolePlacement] honours the role: Orleans 10's StatelessWorkerDirector places a
/// worker on the calling silo only when that silo is among the compatible silos, and the compatible silos are what
/// the placement filters leave (PlacementService.GetCompatibleSilos runs them for every strategy). So a silo with the
/// compliance role answers locally, with no directory entry and no network hop; a silo without it (an api-only
/// silo) gets a worker on a compliance silo; with none up, the filter throws <see cref="NoSiloForRoleException"/>,
/// which the API answers as 503 naming the role. <see cref="ComplianceValidator"/> spreads calls over a few keys so
/// that remote callers do not all pin one compliance silo (each key's placement is cached on its own).
/// </para>
/// <para>
/// [Reentrant] and Task.Run: an activation runs one turn at a time on its own scheduler, so the decider (Redis
/// waits, then CPU-bound evaluation, parallel for large batches) runs on the thread pool instead; the activation only
/// routes. It touches no grain state, so nothing needs the activation's single thread.
/// </para>
/// </summary>
[StatelessWorker, Reentrant]
[SiloRolePlacement("compliance")]
public sealed class ComplianceValidationGrain(ComplianceDecider decider) : Grain, IComplianceValidationGrain
{
    public Task<Decision[]> DecideBatchAsync(Guid tenantId, PreparedAttempt[] attempts, CancellationToken ct) =>
        Task.Run(() => decider.DecideBatchAsync(tenantId, attempts, ct), ct);
}
