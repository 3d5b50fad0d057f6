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
        await using var db = await MigratedDatabaseAsync();
        var audit = await StartedAuditAsync(db);

        // The writer's COPY waits behind a lock while the stop comes; once the lock goes, its rows must land.
        await using var blocker = await db.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE compliance_decisions IN SHARE MODE", blocker, tx)) await lockCmd.ExecuteNonQueryAsync();
        await AddAsync(audit, Enumerable.Range(0, 50).Select(i => Attempt($"+1415555{i:0000}")).ToArray());
        Assert.True(await Eventually.UntilAsync(() => WaitingOnLockAsync(db), every: TimeSpan.FromMilliseconds(20)), "the writer never reached the table");
        var stopping = audit.StopAsync(CancellationToken.None);
        await tx.CommitAsync();
        await stopping;

        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject LIKE '+1415555%'");
        Assert.Equal(50L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_instant_given_with_an_offset_is_audited_as_that_instant()
    {
        await using var db = await MigratedDatabaseAsync();
        var audit = await StartedAuditAsync(db);

        // "at" as the API took it: 15:00 in New York is 20:00 UTC. PostgreSQL's timestamptz holds the instant.
        await AddAsync(audit, Attempt("+14155550198") with { At = DateTimeOffset.Parse("2026-12-02T15:00:00-05:00") });
        await AddAsync(audit, Attempt("+14155550197"));
        await audit.StopAsync(CancellationToken.None);

        await using var cmd = db.CreateCommand("SELECT subject, at FROM compliance_decisions WHERE subject IN ('+14155550198', '+14155550197') ORDER BY subject");
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("+14155550197", r.GetString(0));
        Assert.True(await r.ReadAsync());
        Assert.Equal("+14155550198", r.GetString(0));
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T20:00:00Z"), r.GetFieldValue<DateTimeOffset>(1));
    }

    [Fact]
    public async Task The_encoded_rows_are_what_Npgsqls_importer_writes_for_the_same_values()
    {
        await using var db = await MigratedDatabaseAsync();
        await using (var create = db.CreateCommand("CREATE TABLE audit_reference (LIKE compliance_decisions); CREATE TABLE audit_encoded (LIKE compliance_decisions)"))
            await create.ExecuteNonQueryAsync();

        var allowed = new Decision(true, [], null, ["America/Los_Angeles"], "default@3");
        var denied = new Decision(false,
            [new DecisionReason("us-federal-hours", "outside 08:00-21:00 \"local\" <time>"), new DecisionReason("us-ca-hours", "ünïcode + 'quotes' & more"),
             new DecisionReason("us-federal-hours", "a second window")],
            DateTimeOffset.Parse("2026-12-03T16:00:00Z"), ["America/New_York", "America/Chicago"], "tenant-rules@12");
        PreparedAttempt Input(string subject, DateTimeOffset at, int i) => new(subject, subject.StartsWith('+') ? subject : null,
            subject.StartsWith('+') ? null : subject, (Channel)(i % 3), i % 2 == 0 ? null : (DialingMode)(i % 5), i % 4 == 0 ? Guid.NewGuid().ToString() : null,
            i % 3 == 0 ? "C-ü" + i : null, null, "US", i % 2 == 0 ? "CA" : null, i % 5 == 0 ? [] : ["America/Los_Angeles"], (DeviceType)(i % 4),
            i % 3 == 1 ? true : null, at, i % 7 == 0 ? "custom" : null);
        var instants = new[]
        {
            DateTimeOffset.Parse("2026-12-02T20:00:00.1234567Z"), DateTimeOffset.Parse("2026-12-02T15:00:00-05:00"), DateTimeOffset.MaxValue,
            DateTimeOffset.MinValue, DateTimeOffset.Parse("1999-12-31T23:59:59.9999999Z"),
        };
        var batches = Enumerable.Range(0, 3).Select(b =>
        {
            var inputs = Enumerable.Range(0, 40).Select(i => Input(i % 6 == 0 ? $"someone{i}@exämple.com" : $"+1415555{b}{i:000}", instants[i % instants.Length], i)).ToArray();
            var decisions = inputs.Select((_, i) => i % 3 == 0 ? allowed : i % 3 == 1 ? denied
                : denied with { Reasons = [new DecisionReason("suppressed", $"the phone {inputs[i].Subject} is on suppression list {Guid.NewGuid()}"), .. denied.Reasons], NextAllowedAt = null }).ToArray();
            return new DecisionAudit.Rows(Guid.NewGuid(), DateTimeOffset.Parse("2026-12-02T20:00:01.5Z").AddMinutes(b), inputs, decisions);
        }).ToArray();

        // The reference: Npgsql's binary importer, field by field (instants converted to UTC first, as Npgsql requires).
        await using (var conn = await db.OpenConnectionAsync())
        await using (var importer = await conn.BeginBinaryImportAsync(AuditCopyEncoder.Copy.Replace("compliance_decisions", "audit_reference")))
        {
            foreach (var b in batches)
                for (var i = 0; i < b.Count; i++)
                {
                    var (input, decision) = (b.Inputs[i], b.Decisions[i]);
                    await importer.StartRowAsync();
                    await importer.WriteAsync(b.TenantId, NpgsqlTypes.NpgsqlDbType.Uuid);
                    await importer.WriteAsync(Guid.CreateVersion7(), NpgsqlTypes.NpgsqlDbType.Uuid);
                    await importer.WriteAsync(input.At.ToUniversalTime(), NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(b.DecidedAt, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await importer.WriteAsync(input.Subject, NpgsqlTypes.NpgsqlDbType.Text);
                    await importer.WriteAsync(decision.Allowed, NpgsqlTypes.NpgsqlDbType.Boolean);
                    await importer.WriteAsync(decision.Reasons.Select(r => r.Rule).Distinct().ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text);
                    await importer.WriteAsync(decision.RuleSetVersion, NpgsqlTypes.NpgsqlDbType.Text);
                    await importer.WriteAsync(System.Text.Json.JsonSerializer.Serialize(input, AuditJsonContext.Default.PreparedAttempt), NpgsqlTypes.NpgsqlDbType.Json);
                    await importer.WriteAsync(System.Text.Json.JsonSerializer.Serialize(decision, AuditJsonContext.Default.Decision), NpgsqlTypes.NpgsqlDbType.Json);
                }
            await importer.CompleteAsync();
        }
        await using (var conn = await db.OpenConnectionAsync())
        await using (var copy = await conn.BeginRawBinaryCopyAsync(AuditCopyEncoder.Copy.Replace("compliance_decisions", "audit_encoded")))
            await copy.WriteAsync(new AuditCopyEncoder().Encode(batches, DateTimeOffset.UtcNow));

        const string columns = "tenant_id, at, decided_at, subject, allowed, rules, rule_set, input::text, decision::text";
        await using var compare = db.CreateCommand($"""
            SELECT (SELECT count(*) FROM audit_reference), (SELECT count(*) FROM audit_encoded),
                   (SELECT count(*) FROM (SELECT {columns} FROM audit_reference EXCEPT ALL SELECT {columns} FROM audit_encoded) d),
                   (SELECT count(*) FROM (SELECT {columns} FROM audit_encoded EXCEPT ALL SELECT {columns} FROM audit_reference) d),
                   (SELECT count(DISTINCT decision_id) FROM audit_encoded WHERE substring(decision_id::text, 15, 1) = '7'
                      AND substring(decision_id::text, 20, 1) IN ('8', '9', 'a', 'b'))
            """);
        await using var r = await compare.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal([120L, 120L, 0L, 0L, 120L], Enumerable.Range(0, 5).Select(r.GetInt64));
    }

    private static async Task<NpgsqlDataSource> MigratedDatabaseAsync()
    {
        var api = new ApiFactory();
        await api.InitializeAsync(); // migrates the database; the server itself is not needed
        await api.DisposeAsync();
        return NpgsqlDataSource.Create(api.Postgres);
    }

    private static async Task<DecisionAudit> StartedAuditAsync(NpgsqlDataSource db)
    {
        var audit = new DecisionAudit(db, NullLogger<DecisionAudit>.Instance);
        await audit.StartAsync(CancellationToken.None);
        return audit;
    }

    private static async Task<bool> WaitingOnLockAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'compliance_decisions'::regclass");
        return (long)(await cmd.ExecuteScalarAsync())! > 0;
    }

    private static PreparedAttempt Attempt(string phone) =>
        new(phone, phone, null, Channel.Voice, null, null, null, null, "US", "CA", ["America/Los_Angeles"], DeviceType.Unknown, null,
            DateTimeOffset.Parse("2026-12-02T20:00:00Z"), null);

    private static ValueTask AddAsync(DecisionAudit audit, params PreparedAttempt[] attempts) =>
        audit.AddAsync(Guid.NewGuid(), DateTimeOffset.UtcNow, attempts, attempts.Select(a => new Decision(true, [], a.At, a.TimeZones, "test")).ToArray());

    [Fact]
    public async Task A_decision_made_after_the_drain_is_written_before_it_is_answered()
    {
        await using var db = await MigratedDatabaseAsync();
        var audit = await StartedAuditAsync(db);
        await audit.StopAsync(CancellationToken.None);

        await AddAsync(audit, Attempt("+14155550199"));

        await using var cmd = db.CreateCommand("SELECT count(*) FROM compliance_decisions WHERE subject = '+14155550199'");
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
