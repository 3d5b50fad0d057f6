using System.Diagnostics;
using System.Text;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Jobs;

/// <summary>
/// What every import job's run shares: a heartbeat with its progress while it runs (so a job whose silo died is
/// noticed and taken back), the SFTP pull it may start with, the failures of the file that become the job's failure
/// rather than a retry, giving up a job started too often, and removing its landed file once it is closed. A runner
/// says how its kind of job imports, shows its progress and closes.
/// </summary>
/// <typeparam name="TRun">The state of one run: its progress, warnings and rejected rows.</typeparam>
public abstract class ImportRunnerBase<TJob, TRun>(ImportQueue<TJob> queue, Sftp.SftpFetcher sftp, LandingQuota quota, ILogger log) : IImportRunner<TJob>
    where TJob : class, IImportJob
{
    /// <summary>The state a run of <paramref name="job"/> starts from.</summary>
    protected abstract TRun Start(TJob job);

    /// <summary>Imports the job's file; null on success, or why the job failed (the list is then as it was).</summary>
    protected abstract Task<string?> ImportAsync(TJob job, TRun run, CancellationToken ct);

    /// <summary>Writes the run's progress with the job's heartbeat.</summary>
    protected abstract Task HeartbeatAsync(TJob job, TRun run, CancellationToken ct);

    /// <summary>Closes the job: succeeded when <paramref name="failure"/> is null, else failed with it.</summary>
    protected abstract Task FinishAsync(TJob job, TRun run, string? failure, TimeSpan elapsed, CancellationToken ct);

    /// <summary>Closes a job that may not run again, with why.</summary>
    protected abstract Task GiveUpAsync(TJob job, string reason, CancellationToken ct);

    /// <summary>Rows read so far (a file in the wrong encoding is reported after them).</summary>
    protected abstract long RowsRead(TRun run);

    /// <summary>The encoding the job's spec says the file is in.</summary>
    protected abstract string EncodingOf(TJob job);

    /// <summary>A failure particular to this kind of job that is the file's or the data's fault, as the job's failure; null for any other.</summary>
    protected virtual string? FailureOf(Exception e, TJob job) => null;

    public async Task RunAsync(TJob job, CancellationToken ct)
    {
        var run = Start(job);
        var clock = Stopwatch.StartNew();
        string? failure;
        using var heartbeat = new CancellationTokenSource();
        var beating = BeatAsync(job, run, heartbeat.Token);
        try { failure = await ImportAsync(job, run, ct); }
        catch (ImportFailedException e) { failure = e.Message; }
        catch (DecoderFallbackException)
        {
            failure = $"the file is not valid {EncodingOf(job)} (after row {RowsRead(run) + 1}); " +
                "set spec.format.encoding to windows-1252 or iso-8859-1 if that is what it is";
        }
        catch (FileNotFoundException) { failure = "the uploaded file is no longer in the landing directory"; }
        catch (Exception e) when (FailureOf(e, job) is { } particular) { failure = particular; }
        finally
        {
            await heartbeat.CancelAsync();
            await beating;
        }
        await FinishAsync(job, run, failure, clock.Elapsed, CancellationToken.None);
        TryDelete(job.FilePath);
    }

    /// <summary>Fails a job that was started too often (its silo kept dying).</summary>
    public async Task AbandonAsync(TJob job, CancellationToken ct)
    {
        var reason = $"the import was interrupted {job.Attempts - 1} times (last: {job.Error ?? "the silo running it stopped"}); it was not retried again";
        await GiveUpAsync(job, reason, ct);
        TryDelete(job.FilePath);
        log.LogWarning("Import {ImportId} of list {ListId} abandoned: {Reason}", job.ImportId, job.ListId, reason);
    }

    /// <summary>For a job from SFTP: the remote file into the landing path, within the tenant's landing quota. Null when it is there, else why not.</summary>
    protected Task<string?> PullAsync(TJob job, CancellationToken ct) => job.Source != "sftp"
        ? Task.FromResult<string?>(null)
        : queue.PullAsync(sftp, quota, job.TenantId, job.ImportId, job.SftpConnectionId!.Value, job.RemotePath!, job.FilePath, ct);

    private async Task BeatAsync(TJob job, TRun run, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(JobLifetime.HeartbeatEvery);
            while (await timer.WaitForNextTickAsync(ct))
            {
                // A missed beat is harmless (the job is taken back only after many); if PostgreSQL is really gone, the import fails on its own.
                try { await HeartbeatAsync(job, run, ct); }
                catch (Exception e) when (Outage.IsDatabase(e) && !ct.IsCancellationRequested) { }
            }
        }
        catch (OperationCanceledException) { /* the import finished */ }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { /* the landing directory is cleaned up by retention */ }
    }
}
