using CxContact.Server.Platform.Hosting;
using Npgsql;

namespace CxContact.Server.Jobs;

/// <summary>
/// The loop shared by the import workers of contact lists and suppression lists: claim the next job, run it (or give
/// it up after <see cref="JobLifetime.MaxAttempts"/> starts), one at a time per worker, on silos with the campaign
/// role. Imports never run inside an HTTP request: the API queues them and answers 202 at once. A job cut off while
/// its silo lives (PostgreSQL restarted, a grain's silo died, this silo is stopping) goes back to the queue at once
/// (<see cref="ImportQueue{TJob}.ReleaseAsync"/>) rather than waiting out its heartbeat; one whose silo died is taken
/// back once its heartbeat is too old.
/// </summary>
public abstract class ImportWorkerBase<TJob>(ImportQueue<TJob> queue, IImportRunner<TJob> runner, ILogger log, PlatformSettings settings)
    : BackgroundService where TJob : class, IImportJob
{
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    /// <summary>The longest pause between attempts to put a cut-off job back while PostgreSQL is away.</summary>
    public static readonly TimeSpan MaxReleasePause = TimeSpan.FromSeconds(10);
    /// <summary>How long a stopping silo tries to put its job back; after that the heartbeat timeout does it.</summary>
    public static readonly TimeSpan ReleaseOnStop = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var name = $"{Environment.MachineName}:{settings.SiloPort}";
        // Off the host's start path: a long import must not delay the silo becoming ready.
        await Task.Yield();
        while (!stopping.IsCancellationRequested)
        {
            TJob? job = null;
            try
            {
                job = await queue.ClaimAsync(name, stopping);
                if (job is null) { await Task.Delay(IdlePoll, stopping); continue; }
                if (job.Attempts > JobLifetime.MaxAttempts) await runner.AbandonAsync(job, stopping);
                else await Task.Run(() => runner.RunAsync(job, stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                if (job is not null) await ReleaseAsStoppingAsync(job, name);
                return;
            }
            catch (Exception e) when (job is null)
            {
                log.LogError("{Worker} could not claim a job ({Error}); retrying in 5 s", GetType().Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (job is not null)
            {
                log.LogError(e, "{Worker}: a job was cut off; it goes back to the queue", GetType().Name);
                await ReleaseAfterFailureAsync(job, name, e, stopping);
            }
        }
    }

    /// <summary>This silo is stopping: the job is not its fault, so it goes back without using up one of its attempts.</summary>
    private async Task ReleaseAsStoppingAsync(TJob job, string worker)
    {
        using var budget = new CancellationTokenSource(ReleaseOnStop);
        try { await queue.ReleaseAsync(job.TenantId, job.ImportId, worker, "interrupted: the silo running it stopped", countAttempt: false, budget.Token); }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            log.LogWarning("A job cut off by the stop could not be put back ({Error}); another silo takes it once its heartbeat is too old", e.Message);
        }
    }

    /// <summary>
    /// Puts the job back once PostgreSQL takes the update. A silo or Redis away is waited out a little first and costs
    /// no attempt (the job can do nothing about it); any other failure, PostgreSQL restarting included (an import can
    /// bring its database down), counts, so that a job that keeps failing is given up with its reason.
    /// </summary>
    private async Task ReleaseAfterFailureAsync(TJob job, string worker, Exception e, CancellationToken stopping)
    {
        var outage = Outage.Of(e);
        var countAttempt = outage is not { Database: false };
        var pause = outage is { Database: false } ? outage.RetryAfter : TimeSpan.Zero;
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                if (pause > TimeSpan.Zero) await Task.Delay(pause, stopping);
                await queue.ReleaseAsync(job.TenantId, job.ImportId, worker, $"interrupted: {e.Message}", countAttempt, stopping);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception x) when (x is NpgsqlException or TimeoutException)
            {
                if (attempt == 1) log.LogWarning("The cut-off job waits for PostgreSQL to go back to the queue ({Error})", x.Message);
                pause = TimeSpan.FromSeconds(Math.Min(attempt, MaxReleasePause.TotalSeconds));
            }
        }
    }
}
