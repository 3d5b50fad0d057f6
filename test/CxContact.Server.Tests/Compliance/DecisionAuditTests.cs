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
    public async Task Rows_being_written_when_the_stop_comes_are_not_dropped()
    {
        var api = new ApiFactory();
        await api.InitializeAsync(); // a migrated database
        await api.DisposeAsync();
        await using var db = NpgsqlDataSource.Create(api.Postgres);
        var audit = new DecisionAudit(db, NullLogger<DecisionAudit>.Instance);
        await audit.StartAsync(CancellationToken.None);

        // The writer's COPY waits behind a lock while the stop comes; once the lock goes, its rows must land.
        await using var blocker = await db.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE compliance_decisions IN SHARE MODE", blocker, tx)) await lockCmd.ExecuteNonQueryAsync();
        await audit.AddRangeAsync(Enumerable.Range(0, 50).Select(i => Entry($"+1415555{i:0000}")).ToList());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await WaitingOnLockAsync(db) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(await WaitingOnLockAsync(db), "the writer never reached the table");
        var stopping = audit.StopAsync(CancellationToken.None);
        await tx.CommitAsync();
        await stopping;

        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject LIKE '+1415555%'");
        Assert.Equal(50L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    private static async Task<bool> WaitingOnLockAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'compliance_decisions'::regclass");
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    private static DecisionAudit.Entry Entry(string phone)
    {
        var attempt = new PreparedAttempt(phone, phone, null, Channel.Voice, null, null, null, null, "US", "CA", ["America/Los_Angeles"],
            DeviceType.Unknown, null, DateTimeOffset.Parse("2026-12-02T20:00:00Z"), null);
        return new DecisionAudit.Entry(Guid.NewGuid(), DateTimeOffset.UtcNow, attempt, new Decision(true, [], attempt.At, attempt.TimeZones, "test"));
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

        await audit.AddRangeAsync([Entry("+14155550199")]);

        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject = '+14155550199'");
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
