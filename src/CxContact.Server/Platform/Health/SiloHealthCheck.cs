using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace CxContact.Server.Platform.Health;

/// <summary>Ready only while this silo is an active member of the cluster.</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var status = oracle.CurrentStatus;
        var active = oracle.GetApproximateSiloStatuses(onlyActive: true).Count;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {oracle.SiloAddress} active; {active} active silo(s) in the cluster")
            : HealthCheckResult.Unhealthy($"silo {oracle.SiloAddress} is {status}"));
    }
}
