using CxContact.Server.Jobs;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Suppression;

/// <summary>Runs queued suppression imports the way contact-list imports are run (see <see cref="ImportWorkerBase{TJob}"/>).</summary>
public sealed class SuppressionImportWorker(SuppressionImportStore jobs, SuppressionImportRunner runner, ILogger<SuppressionImportWorker> log,
    PlatformSettings settings) : ImportWorkerBase<SuppressionImportJob>(jobs, runner, log, settings);
