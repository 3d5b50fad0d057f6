using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CxContact.Server.Compliance.Recovery;

/// <summary>
/// On compliance silos: not ready while Redis cannot answer for PostgreSQL (lost, being rebuilt, or unreachable), so a
/// load balancer sends validations elsewhere; the detail says why, and what the rebuild has left.
/// </summary>
public sealed class ComplianceIndexHealthCheck(RedisEpoch epoch) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(epoch.Current is not null ? HealthCheckResult.Healthy(epoch.Detail) : HealthCheckResult.Unhealthy(epoch.Detail));
}
