using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Compliance;

/// <summary>
/// Every decision goes to compliance_decisions, but never on the hot path: decisions are queued in memory and
/// written in batches with COPY. On shutdown the queue is drained before the process exits, so none are lost.
/// </summary>
public sealed class DecisionAudit(NpgsqlDataSource db, ILogger<DecisionAudit> log) : BackgroundService
{
    public const int BatchSize = 2000;
    /// <summary>Input and decision stay objects until the writer serialises them, off the hot path.</summary>
    public sealed record Entry(Guid TenantId, DateTimeOffset DecidedAt, PreparedAttempt Input, Core.Compliance.Decision Decision);

    // Unbounded on purpose: dropping an audit row is worse than holding memory while PostgreSQL is slow.
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    private long _added, _written;

    /// <summary>
    /// Queues a batch's rows (counted once, so a 10,000-attempt batch does not contend 10,000 times on the counter).
    /// Completes at once, unless the queue was already drained for shutdown: a decision still being made then (a call
    /// from another silo, say) is written before it is answered, so none is lost.
    /// </summary>
    public ValueTask AddRangeAsync(IReadOnlyList<Entry> entries)
    {
        Interlocked.Add(ref _added, entries.Count);
        List<Entry>? late = null;
        foreach (var e in entries)
            if (!_queue.Writer.TryWrite(e)) (late ??= []).Add(e);
        return late is null ? ValueTask.CompletedTask : new ValueTask(WriteAsync(late, CancellationToken.None));
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var batch = new List<Entry>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var e)) batch.Add(e);
                // Not cancelled by the stop: rows taken off the queue are written here or nowhere (StopAsync waits).
                await WriteAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { /* drained in StopAsync */ }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _queue.Writer.TryComplete();
        var batch = new List<Entry>(BatchSize);
        while (_queue.Reader.TryRead(out var e))
        {
            batch.Add(e);
            if (batch.Count == BatchSize) await WriteAsync(batch, CancellationToken.None);
        }
        await WriteAsync(batch, CancellationToken.None);
    }

    private static readonly string[] NoRules = [];

    private async Task WriteAsync(List<Entry> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Decisions are shared between attempts that met the same rules at the same instant (the decider
                // evaluates those once), so each distinct one is serialised once per written batch.
                var decisionJson = new Dictionary<Core.Compliance.Decision, string>(ReferenceEqualityComparer.Instance);
                await using var conn = await db.OpenConnectionAsync(ct);
                await using var copy = await conn.BeginBinaryImportAsync(
                    "COPY compliance_decisions (tenant_id, decision_id, at, decided_at, subject, allowed, rules, rule_set, input, decision) FROM STDIN (FORMAT BINARY)", ct);
                foreach (var e in batch)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(e.TenantId, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(e.Input.At, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(e.DecidedAt, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(e.Input.Subject, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(e.Decision.Allowed, NpgsqlDbType.Boolean, ct);
                    await copy.WriteAsync(e.Decision.Reasons.Count == 0 ? NoRules : e.Decision.Reasons.Select(r => r.Rule).Distinct().ToArray(),
                        NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(e.Decision.RuleSetVersion, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(System.Text.Json.JsonSerializer.Serialize(e.Input, AuditJsonContext.Default.PreparedAttempt), NpgsqlDbType.Json, ct);
                    if (!decisionJson.TryGetValue(e.Decision, out var json))
                        decisionJson[e.Decision] = json = System.Text.Json.JsonSerializer.Serialize(e.Decision, AuditJsonContext.Default.Decision);
                    await copy.WriteAsync(json, NpgsqlDbType.Json, ct);
                }
                await copy.CompleteAsync(ct);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 5)
            {
                log.LogWarning("Writing {Count} audit rows failed ({Error}); retrying", batch.Count, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>For tests and shutdown checks: waits until everything queued so far is written.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var target = Interlocked.Read(ref _added);
        var deadline = DateTime.UtcNow + timeout;
        while (Interlocked.Read(ref _written) < target && DateTime.UtcNow < deadline) await Task.Delay(20);
    }
}
