using System.Threading.Channels;

namespace CxContact.Server.Messaging;

/// <summary>
/// Group commit for delivery reports. Kannel calls back twice per text (accepted by the SMSC, then delivered), so at
/// a thousand texts a second one statement per callback would spend more of the machine on PostgreSQL round trips
/// than on sending. Each callback waits here until the statement that holds its report has committed, so Kannel
/// still hears "ok" only for a report that is written; what arrives while one statement runs goes in the next.
/// </summary>
public sealed class DeliveryReportWriter(MessageOutbox outbox, ILogger<DeliveryReportWriter> log) : BackgroundService
{
    /// <summary>Reports written in one statement at most.</summary>
    private const int MaxBatch = 1000;

    private sealed record Pending(MessageOutbox.Report Report, TaskCompletionSource<bool> Written);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Writes the report with others that arrive meanwhile; false when the gateway sent no such message.</summary>
    public async Task<bool> WriteAsync(MessageOutbox.Report report, CancellationToken ct)
    {
        var pending = new Pending(report, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new InvalidOperationException("the silo is stopping");
        return await pending.Written.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var p)) batch.Add(p);
                await WriteBatchAsync(batch, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var left)) left.Written.TrySetCanceled();
    }

    private async Task WriteBatchAsync(List<Pending> batch, CancellationToken stop)
    {
        // A message's second report can arrive while its first waits: one statement would apply only one of them, so
        // each round takes each message once, in arrival order.
        var rest = batch;
        while (rest.Count > 0)
        {
            var seen = new HashSet<Guid>();
            var round = new List<Pending>(rest.Count);
            var later = new List<Pending>();
            foreach (var p in rest) (seen.Add(p.Report.MessageId) ? round : later).Add(p);
            try
            {
                var found = await outbox.ReportAsync([.. round.Select(p => p.Report)], stop);
                foreach (var p in round) p.Written.TrySetResult(found.Contains(p.Report.MessageId));
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // PostgreSQL away: every callback of the round fails (500), and Kannel keeps its report to try again.
                log.LogWarning(e, "{Count} delivery reports could not be written", round.Count);
                foreach (var p in round) p.Written.TrySetException(e);
            }
            rest = later;
        }
    }
}
