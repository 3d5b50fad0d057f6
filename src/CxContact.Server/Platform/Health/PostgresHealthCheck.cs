using Microsoft.Extensions.Diagnostics.HealthChecks;
using CxContact.Server.Platform.Storage;
using Npgsql;

namespace CxContact.Server.Platform.Health;

/// <summary>Ready only while PostgreSQL answers a trivial query; when it does not, the pools' dead connections go (<see cref="DeadConnections"/>).</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource db, DeadConnections dead) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            dead.Drop();
            return HealthCheckResult.Unhealthy($"PostgreSQL: {e.Message}");
        }
    }
}
