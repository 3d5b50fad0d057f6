using System.Threading.Channels;
using Decision = CxContact.Core.Compliance.Decision;
using Npgsql;

namespace CxContact.Server.Compliance;

/// <summary>
/// Every decision goes to compliance_decisions, but never on the hot path: each call's decisions are queued in memory
/// as they are and written in batches with a binary COPY (<see cref="AuditCopyEncoder"/>). On shutdown the queue is
/// drained before the process exits, so none are lost.
/// </summary>
public sealed class DecisionAudit(NpgsqlDataSource db, ILogger<DecisionAudit> log) : BackgroundService
{
    /// <summary>Rows the writer gathers for one COPY, at least when that many are queued (a call's rows stay together).</summary>
    public const int BatchSize = 10_000;

    /// <summary>One call's decisions, made for one tenant at one instant: input and decision stay objects until the writer encodes them.</summary>
    public sealed record Rows(Guid TenantId, DateTimeOffset DecidedAt, IReadOnlyList<PreparedAttempt> Inputs, IReadOnlyList<Decision> Decisions)
    {
        public int Count => Inputs.Count;
    }

    // Unbounded on purpose: dropping an audit row is worse than holding memory while PostgreSQL is slow. One item per
    // call, not per decision: a 10,000-attempt batch is one queue write.
    private readonly Channel<Rows> _queue = Channel.CreateUnbounded<Rows>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditCopyEncoder _encoder = new();
    private readonly SemaphoreSlim _encoding = new(1, 1);

    /// <summary>
    /// Queues one call's rows (input i was decided as decision i). Completes at once, unless the queue was already
    /// drained for shutdown: a decision still being made then (a call from another silo, say) is written before it is
    /// answered, so none is lost.
    /// </summary>
    public ValueTask AddAsync(Guid tenantId, DateTimeOffset decidedAt, IReadOnlyList<PreparedAttempt> inputs, IReadOnlyList<Decision> decisions)
    {
        if (inputs.Count != decisions.Count) throw new ArgumentException("one decision per input", nameof(decisions));
        if (inputs.Count == 0) return ValueTask.CompletedTask;
        var rows = new Rows(tenantId, decidedAt, inputs, decisions);
        return _queue.Writer.TryWrite(rows) ? ValueTask.CompletedTask : new ValueTask(WriteAsync([rows]));
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var batch = new List<Rows>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                for (var n = 0; n < BatchSize && _queue.Reader.TryRead(out var rows); n += rows.Count) batch.Add(rows);
                // Not cancelled by the stop: rows taken off the queue are written here or nowhere (StopAsync waits).
                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { /* drained in StopAsync */ }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _queue.Writer.TryComplete();
        var batch = new List<Rows>();
        var n = 0;
        while (_queue.Reader.TryRead(out var rows))
        {
            batch.Add(rows);
            if ((n += rows.Count) < BatchSize) continue;
            await WriteAsync(batch);
            batch.Clear();
            n = 0;
        }
        await WriteAsync(batch);
    }

    private async Task WriteAsync(IReadOnlyList<Rows> batch)
    {
        if (batch.Count == 0) return;
        // One encoder, one buffer: the writer and a late write after the drain take turns.
        await _encoding.WaitAsync();
        try
        {
            var payload = _encoder.Encode(batch, DateTimeOffset.UtcNow);
            var count = batch.Sum(b => b.Count);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var conn = await db.OpenConnectionAsync();
                    await using var copy = await conn.BeginRawBinaryCopyAsync(AuditCopyEncoder.Copy);
                    try
                    {
                        await copy.WriteAsync(payload);
                    }
                    catch
                    {
                        // Nothing of a COPY that failed half-way may be committed by the dispose below.
                        try { await copy.CancelAsync(); } catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException) { }
                        throw;
                    }
                    await copy.DisposeAsync(); // ends the COPY: PostgreSQL commits every row, or none
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException && attempt < 5)
                {
                    log.LogWarning("Writing {Count} audit rows failed ({Error}); retrying", count, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
                }
            }
        }
        finally
        {
            _encoding.Release();
        }
    }
}
