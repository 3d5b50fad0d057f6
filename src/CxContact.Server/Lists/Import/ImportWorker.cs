using CxContact.Server.Jobs;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Lists.Import;

/// <summary>Runs queued contact-list imports (see <see cref="ImportWorkerBase{TJob}"/>).</summary>
public sealed class ImportWorker(ImportJobStore jobs, ImportRunner runner, ILogger<ImportWorker> log, PlatformSettings settings)
    : ImportWorkerBase<ImportJob>(jobs, runner, log, settings);
