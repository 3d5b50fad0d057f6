using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Suppression;

/// <summary>
/// Takes queued suppression imports and runs them, one at a time per worker, on silos with the campaign role, the
/// way <see cref="ImportWorker"/> runs contact-list imports: the API only queues them and answers 202.
/// </summary>
public sealed class SuppressionImportWorker(SuppressionImportStore jobs, SuppressionImportRunner runner, ILogger<SuppressionImportWorker> log,
    PlatformSettings settings) : BackgroundService
{
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
                if (job is null) { await Task.Delay(ImportWorker.IdlePoll, stopping); continue; }
                if (job.Attempts > ImportJobStore.MaxAttempts) await runner.AbandonAsync(job, stopping);
                else await Task.Run(() => runner.RunAsync(job, stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The job keeps its 'running' state and stale heartbeat, so it is picked up again (or abandoned) later.
                log.LogError(e, "Suppression import worker error; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
