using CxContact.Server.Api;
using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Platform.Health;

/// <summary>
/// /api/v1/alerts: what a supervisor must know now. Compliance that cannot decide (its Redis index lost or being rebuilt:
/// every validation is denied until it is back), and messaging gateways that do not answer (their messages wait).
/// Failed jobs are in /jobs?state=failed.
/// </summary>
public static class AlertsApi
{
    /// <param name="Kind">compliance-unavailable or gateway-unavailable.</param>
    /// <param name="Subject">What it is about: "compliance", or the gateway's id.</param>
    public sealed record Alert(string Kind, string Severity, string Subject, string Message);

    public static void MapAlertsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/alerts", async Task<Ok<List<Alert>>> (HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var alerts = new List<Alert>();
            // Only a compliance silo knows its index; the API silo of a split deployment says nothing rather than guess.
            if (http.RequestServices.GetService<RedisEpoch>() is { Current: null } epoch)
                alerts.Add(new Alert("compliance-unavailable", "error", "compliance",
                    $"Compliance cannot decide, so every attempt is denied until it can: {epoch.Detail}"));
            await using var cmd = db.CreateCommand("""
                SELECT g.gateway_id, g.name, count(*), max(m.error) FROM message_outbox m
                JOIN messaging_gateways g ON g.gateway_id = m.gateway_id
                WHERE m.tenant_id = @t AND m.state = 'queued' AND m.error LIKE 'gateway unavailable%'
                GROUP BY g.gateway_id, g.name ORDER BY g.name
                """);
            cmd.Parameters.AddWithValue("t", Caller.From(http.User).TenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                alerts.Add(new Alert("gateway-unavailable", "warning", r.GetGuid(0).ToString(),
                    $"Gateway \"{r.GetString(1)}\" does not answer; {r.GetInt64(2):N0} messages wait for it ({r.GetString(3)})."));
            return TypedResults.Ok(alerts);
        }).WithTags("Alerts").RequireAuthorization(Policies.TenantReader)
          .WithSummary("What needs attention now: compliance unable to decide (lost or rebuilding index), gateways that do not answer");
    }
}
