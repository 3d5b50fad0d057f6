using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists.Import;

/// <summary>Runs queued contact-list imports (see <see cref="ImportWorkerBase{TJob}"/>).</summary>
public sealed class ImportWorker(ImportJobStore jobs, ImportRunner runner, ILogger<ImportWorker> log, PlatformSettings settings)
    : ImportWorkerBase<ImportJob>(log, settings)
{
    protected override Task<ImportJob?> ClaimAsync(string worker, CancellationToken ct) => jobs.ClaimAsync(worker, ct);
    protected override int Attempts(ImportJob job) => job.Attempts;
    protected override Task RunAsync(ImportJob job, CancellationToken ct) => runner.RunAsync(job, ct);
    protected override Task AbandonAsync(ImportJob job, CancellationToken ct) => runner.AbandonAsync(job, ct);
    protected override Task<bool> ReleaseAsync(ImportJob job, string worker, string reason, bool countAttempt, CancellationToken ct) =>
        jobs.ReleaseAsync(job.ImportId, worker, reason, countAttempt, ct);
}
