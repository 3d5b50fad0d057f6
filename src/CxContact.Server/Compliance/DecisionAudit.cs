using System.Threading.Channels;
using Decision = CxContact.Core.Compliance.Decision;
using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Compliance;

/// <summary>
/// Every decision goes to compliance_decisions, but never on the hot path: each call's decisions are queued in memory
/// as they are and written in batches with a binary COPY (<see cref="AuditCopyEncoder"/>). While PostgreSQL is away the
/// writer keeps the rows and tries again until it is back. On shutdown the queue is drained before the process exits,
/// so none are lost, unless PostgreSQL cannot take them before the stop's deadline: the rows left are then counted in
/// the log, and the stop goes on (a shutdown that never ends loses them all the same).
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
    /// <summary>Cancelled when the stop's deadline passes: a write still waiting for PostgreSQL then gives up.</summary>
    private readonly CancellationTokenSource _abandon = new();

    /// <summary>The longest pause between two attempts at a write while PostgreSQL is away.</summary>
    public static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(10);

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
        return _queue.Writer.TryWrite(rows) ? ValueTask.CompletedTask : new ValueTask(WriteAsync([rows], _abandon.Token));
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var batch = new List<Rows>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                for (var n = 0; n < BatchSize && _queue.Reader.TryRead(out var rows); n += rows.Count) batch.Add(rows);
                // Not cancelled by the stop, only by its deadline: rows taken off the queue are written here (StopAsync waits).
                try { await WriteAsync(batch, _abandon.Token); }
                catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
                {
                    log.LogError("Shutdown: {Count} audit rows could not be written before the deadline (PostgreSQL did not take them)", batch.Sum(b => b.Count));
                    return;
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { /* drained in StopAsync */ }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var deadline = cancellationToken.Register(_abandon.Cancel);
        await base.StopAsync(cancellationToken);
        _queue.Writer.TryComplete();
        var batch = new List<Rows>();
        var n = 0;
        try
        {
            while (_queue.Reader.TryRead(out var rows))
            {
                batch.Add(rows);
                if ((n += rows.Count) < BatchSize) continue;
                await WriteAsync(batch, _abandon.Token);
                batch.Clear();
                n = 0;
            }
            await WriteAsync(batch, _abandon.Token);
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            var left = batch.Sum(b => b.Count);
            while (_queue.Reader.TryRead(out var rows)) left += rows.Count;
            log.LogError("Shutdown: {Count} audit rows could not be written before the deadline (PostgreSQL did not take them)", left);
        }
    }

    private async Task WriteAsync(IReadOnlyList<Rows> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        // One encoder, one buffer: the writer and a late write after the drain take turns.
        await _encoding.WaitAsync(ct);
        try
        {
            var payload = _encoder.Encode(batch, DateTimeOffset.UtcNow);
            var count = batch.Sum(b => b.Count);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var conn = await db.OpenConnectionAsync(ct);
                    await using var copy = await conn.BeginRawBinaryCopyAsync(AuditCopyEncoder.Copy, ct);
                    try
                    {
                        await copy.WriteAsync(payload, ct);
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
                catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
                {
                    // PostgreSQL away is waited out for as long as the process runs: no row is dropped because it restarted.
                    // Rows it refuses are another matter: after a few tries they go, so that they do not hold up every later row.
                    if (!Outage.IsDatabase(e) && attempt >= 5)
                    {
                        log.LogError(e, "PostgreSQL refused {Count} audit rows {Attempts} times; they are dropped", count, attempt);
                        return;
                    }
                    var pause = TimeSpan.FromSeconds(Math.Min(attempt, MaxRetryPause.TotalSeconds));
                    log.LogWarning("Writing {Count} audit rows failed ({Error}); retrying in {Seconds} s", count, e.Message, pause.TotalSeconds);
                    await Task.Delay(pause, ct);
                }
            }
        }
        finally
        {
            _encoding.Release();
        }
    }
}
