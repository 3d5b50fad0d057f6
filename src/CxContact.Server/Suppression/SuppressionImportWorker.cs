using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Suppression;

/// <summary>Runs queued suppression imports the way contact-list imports are run (see <see cref="ImportWorkerBase{TJob}"/>).</summary>
public sealed class SuppressionImportWorker(SuppressionImportStore jobs, SuppressionImportRunner runner, ILogger<SuppressionImportWorker> log,
    PlatformSettings settings) : ImportWorkerBase<SuppressionImportJob>(log, settings)
{
    protected override Task<SuppressionImportJob?> ClaimAsync(string worker, CancellationToken ct) => jobs.ClaimAsync(worker, ct);
    protected override int Attempts(SuppressionImportJob job) => job.Attempts;
    protected override Task RunAsync(SuppressionImportJob job, CancellationToken ct) => runner.RunAsync(job, ct);
    protected override Task AbandonAsync(SuppressionImportJob job, CancellationToken ct) => runner.AbandonAsync(job, ct);
    protected override Task<bool> ReleaseAsync(SuppressionImportJob job, string worker, string reason, bool countAttempt, CancellationToken ct) =>
        jobs.ReleaseAsync(job.ImportId, worker, reason, countAttempt, ct);
}
