using System.Net;
using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using CxContact.Server.Compliance;
using CxContact.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CxContact.Server.Tests.Compliance;

/// <summary>No decision leaves the audit trail out: the queue is drained when the server stops, and a decision made after that is written before it is answered.</summary>
public sealed class DecisionAuditTests
{
    [Fact]
    public async Task Decisions_still_queued_when_the_server_stops_are_written()
    {
        var api = new ApiFactory();
        await api.InitializeAsync();
        const int n = 600;
        try
        {
            var created = await HttpAssert.Json(await api.Admin().PostJson("/api/v1/tenants", new { name = "Audit " + Guid.NewGuid().ToString("N")[..8] }), HttpStatusCode.Created);
            var c = api.Client(created.GetProperty("adminKey").GetProperty("key").GetString()!);
            var items = Enumerable.Range(0, n / 2).Select(i => new { phone = $"+1415555{i:0000}", at = "2026-12-02T20:00:00Z" }).ToArray();
            await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate-batch", new { items }), HttpStatusCode.OK);
            await Task.WhenAll(items.Select(async i => await HttpAssert.Json(await c.PostJson("/api/v1/compliance/validate", i), HttpStatusCode.OK)));
        }
        finally
        {
            await api.DisposeAsync(); // stops the server at once: whatever is still queued must be drained now
        }
        await using var db = NpgsqlDataSource.Create(api.Postgres);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject LIKE '+1415555%'");
        Assert.Equal(n, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_decision_made_after_the_drain_is_written_before_it_is_answered()
    {
        var api = new ApiFactory();
        await api.InitializeAsync(); // a migrated database
        await api.DisposeAsync();
        await using var db = NpgsqlDataSource.Create(api.Postgres);
        var audit = new DecisionAudit(db, NullLogger<DecisionAudit>.Instance);
        await audit.StartAsync(CancellationToken.None);
        await audit.StopAsync(CancellationToken.None);

        var attempt = new PreparedAttempt("+14155550199", "+14155550199", null, Channel.Voice, null, null, null, null, "US", "CA", ["America/Los_Angeles"],
            DeviceType.Unknown, null, DateTimeOffset.Parse("2026-12-02T20:00:00Z"), null);
        await audit.AddRangeAsync([new DecisionAudit.Entry(Guid.NewGuid(), DateTimeOffset.UtcNow, attempt, new Decision(true, [], attempt.At, attempt.TimeZones, "test"))]);

        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject = '+14155550199'");
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
