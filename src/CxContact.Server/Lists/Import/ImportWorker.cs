using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// Takes queued imports and runs them, one at a time per worker, on silos with the campaign role. Imports never
/// run inside an HTTP request: the API queues them and answers 202 at once.
/// </summary>
public sealed class ImportWorker(ImportJobStore jobs, ImportRunner runner, ILogger<ImportWorker> log, PlatformSettings settings) : BackgroundService
{
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var name = $"{Environment.MachineName}:{settings.SiloPort}";
        // Off the host's start path: a long import must not delay the silo becoming ready.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var job = await jobs.ClaimAsync(name, stopping);
                if (job is null) { await Task.Delay(IdlePoll, stopping); continue; }
                if (job.Attempts > ImportJobStore.MaxAttempts) await runner.AbandonAsync(job, stopping);
                else await Task.Run(() => runner.RunAsync(job, stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The job keeps its 'running' state and stale heartbeat, so it is picked up again (or abandoned) later.
                log.LogError(e, "Import worker error; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
