namespace CxContact.Server.Jobs;

/// <summary>What a worker asks of the runner of its kind of job (see <see cref="ImportRunnerBase{TJob, TRun}"/>).</summary>
public interface IImportRunner<in TJob> where TJob : IImportJob
{
    Task RunAsync(TJob job, CancellationToken ct);
    Task AbandonAsync(TJob job, CancellationToken ct);
}
