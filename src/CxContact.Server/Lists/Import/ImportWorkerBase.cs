using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// The loop shared by the import workers of contact lists and suppression lists: claim the next job, run it (or give
/// it up after <see cref="ImportJobStore.MaxAttempts"/> starts), one at a time per worker, on silos with the campaign
/// role. Imports never run inside an HTTP request: the API queues them and answers 202 at once.
/// </summary>
public abstract class ImportWorkerBase<TJob>(ILogger log, PlatformSettings settings) : BackgroundService where TJob : class
{
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    protected abstract Task<TJob?> ClaimAsync(string worker, CancellationToken ct);
    protected abstract int Attempts(TJob job);
    protected abstract Task RunAsync(TJob job, CancellationToken ct);
    protected abstract Task AbandonAsync(TJob job, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var name = $"{Environment.MachineName}:{settings.SiloPort}";
        // Off the host's start path: a long import must not delay the silo becoming ready.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var job = await ClaimAsync(name, stopping);
                if (job is null) { await Task.Delay(IdlePoll, stopping); continue; }
                if (Attempts(job) > ImportJobStore.MaxAttempts) await AbandonAsync(job, stopping);
                else await Task.Run(() => RunAsync(job, stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The job keeps its 'running' state and stale heartbeat, so it is picked up again (or abandoned) later.
                log.LogError(e, "{Worker} error; retrying in 5 s", GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(5), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
