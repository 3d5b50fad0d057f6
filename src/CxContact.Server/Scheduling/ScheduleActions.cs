using CxContact.Server.Jobs;
using CxContact.Core.Campaigns;
using CxContact.Core.Lists;
using CxContact.Core.Scheduling;
using CxContact.Core.Suppression;
using CxContact.Server.Lists.Export;
using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Suppression;

namespace CxContact.Server.Scheduling;

/// <summary>
/// What each action type does, by calling the grains and services that own the work. Returns a one-line summary
/// for the run history; throws <see cref="ScheduleRunFailedException"/> for a failure that a retry cannot fix.
/// </summary>
public sealed class ScheduleActions(IGrainFactory grains, ImportJobStore imports, SuppressionImportStore suppressionImports, LandingDirectory landing,
    ScheduleRunStore runs, SuppressionPurger purger, SuppressionRebuilder rebuilder, ContactListExportRunner exports, PlatformClock clock,
    ILogger<ScheduleActions> log)
{
    /// <summary>How often a run waiting for its import looks at it again.</summary>
    public static readonly TimeSpan ImportPoll = TimeSpan.FromMilliseconds(250);

    public Task<string> RunAsync(Guid tenantId, ScheduleRun run, ScheduleDefinition schedule, CancellationToken ct) =>
        RunAsync(tenantId, run, schedule.Action, schedule.TimeZone, ct);

    private async Task<string> RunAsync(Guid tenantId, ScheduleRun run, ScheduleAction action, string timeZone, CancellationToken ct) => action.Type switch
    {
        ScheduleActionTypes.PreloadCampaign => await CampaignAsync(tenantId, action.CampaignId!.Value, CampaignAction.Preload),
        ScheduleActionTypes.StartCampaign => await CampaignAsync(tenantId, action.CampaignId!.Value, CampaignAction.Start),
        ScheduleActionTypes.StartCampaignPaused => await CampaignAsync(tenantId, action.CampaignId!.Value, CampaignAction.StartPaused),
        ScheduleActionTypes.StopCampaign => await CampaignAsync(tenantId, action.CampaignId!.Value, CampaignAction.Stop),
        ScheduleActionTypes.ForceStopCampaign => await CampaignAsync(tenantId, action.CampaignId!.Value, CampaignAction.ForceStop),
        ScheduleActionTypes.ImportContactList => await ImportAsync(tenantId, run, action, ct),
        ScheduleActionTypes.ImportSuppressionList => await ImportSuppressionAsync(tenantId, run, action, timeZone, ct),
        ScheduleActionTypes.ExportContactList => await ExportAsync(tenantId, run, action, timeZone, ct),
        ScheduleActionTypes.PurgeExpiredSuppression => await PurgeAsync(tenantId, action.ListId!.Value, ct),
        ScheduleActionTypes.RebuildSuppressionIndex => await RebuildAsync(tenantId, action.ListId!.Value, ct),
        // Every type the API accepts is above; a definition saved by a later version could still name another.
        _ => throw new ScheduleRunFailedException($"The action \"{action.Type}\" is not known to this version."),
    };

    private async Task<string> CampaignAsync(Guid tenantId, Guid campaignId, CampaignAction what)
    {
        var grain = grains.GetGrain<ICampaignGrain>(campaignId, tenantId.ToString());
        if (await grain.GetAsync() is null)
            throw new ScheduleRunFailedException($"Campaign {campaignId} does not exist (it was deleted).");
        try
        {
            var info = await grain.ActAsync(what);
            return $"campaign {campaignId}: {Verb(what)}; its state is now {Kebab(info.State)}";
        }
        catch (CampaignActionRefusedException e)
        {
            throw new ScheduleRunFailedException($"Campaign {campaignId} refused to {Verb(what)}: {e.Message}", e);
        }
    }

    private async Task<string> ImportAsync(Guid tenantId, ScheduleRun run, ScheduleAction a, CancellationToken ct)
    {
        var listId = a.ListId!.Value;
        var list = await grains.GetGrain<IContactListGrain>(listId, tenantId.ToString()).GetAsync()
                   ?? throw new ScheduleRunFailedException($"Contact list {listId} does not exist (it was deleted).");
        if (a.CampaignId is { } c && a.Then is not null && await grains.GetGrain<ICampaignGrain>(c, tenantId.ToString()).GetAsync() is null)
            throw new ScheduleRunFailedException($"Campaign {c}, to {a.Then} after the import, does not exist (it was deleted).");
        var (job, created) = await imports.EnqueueAsync(tenantId, listId, a.Mode ?? "append", a.Spec ?? list.SpecJson ?? "{}",
            landing.NewFile(tenantId, ".sftp"), Path.GetFileName(a.RemotePath), 0, IdempotencyKey(run), ct, a.SftpConnectionId, a.RemotePath);
        await LinkAsync(run, listId, job.ImportId, created, ct);
        job = await FollowAsync(job, job.ImportId, "Import", j => (j.State, j.Error), () => imports.GetAsync(tenantId, listId, job.ImportId, ct), ct);
        var summary = $"import {job.ImportId} ({job.Mode}) accepted {job.Accepted} of {job.RowsRead} rows";
        if (a.CampaignId is not { } campaign || a.Then is null) return summary;
        var then = a.Then switch { "preload" => CampaignAction.Preload, "start-paused" => CampaignAction.StartPaused, _ => CampaignAction.Start };
        return summary + "; " + await CampaignAsync(tenantId, campaign, then);
    }

    private async Task LinkAsync(ScheduleRun run, Guid listId, Guid importId, bool created, CancellationToken ct)
    {
        await runs.SetImportAsync(run.TenantId, run.RunId, listId, importId, ct);
        if (!created) log.LogInformation("Schedule {ScheduleId}: occurrence {Occurrence} resumes import {ImportId}", run.ScheduleId, run.OccurrenceKey, importId);
    }

    /// <summary>
    /// Imports run on the campaign role's import workers; the scheduled run only follows one until it ends, and
    /// fails with the import's own reason if it failed.
    /// </summary>
    private async Task<T> FollowAsync<T>(T job, Guid id, string what, Func<T, (string State, string? Error)> state, Func<Task<T?>> reload,
        CancellationToken ct) where T : class
    {
        while (state(job).State is not ("succeeded" or "failed"))
        {
            await Task.Delay(ImportPoll, clock, ct);
            job = await reload() ?? throw new ScheduleRunFailedException($"{what} {id} disappeared (its list was deleted).");
        }
        if (state(job) is ("failed", var error)) throw new ScheduleRunFailedException($"{what} {id} failed: {error}");
        return job;
    }

    /// <summary>One key per occurrence: a retried or resumed run finds the import or export it made before instead of doing it twice.</summary>
    private static string IdempotencyKey(ScheduleRun run) => $"schedule:{run.ScheduleId:N}:{run.OccurrenceKey}";

    private async Task<string> ImportSuppressionAsync(Guid tenantId, ScheduleRun run, ScheduleAction a, string timeZone, CancellationToken ct)
    {
        var listId = a.ListId!.Value;
        if (await grains.GetGrain<ISuppressionListGrain>(listId, tenantId.ToString()).GetAsync() is null)
            throw new ScheduleRunFailedException($"Suppression list {listId} does not exist (it was deleted).");
        // A registry's daily change list has the day in its name: the placeholders take the occurrence's time, as exports' do.
        var remote = RemotePathTemplate.Expand(a.RemotePath!, run.ScheduledFor ?? run.CreatedAt, ScheduleTimes.Zone(timeZone) ?? TimeZoneInfo.Utc);
        var (job, created) = await suppressionImports.EnqueueAsync(tenantId, listId, a.Mode ?? "append", a.Spec ?? "{}",
            landing.NewFile(tenantId, ".sftp"), Path.GetFileName(remote), 0, IdempotencyKey(run), ct, a.SftpConnectionId, remote);
        await LinkAsync(run, listId, job.ImportId, created, ct);
        job = await FollowAsync(job, job.ImportId, "Suppression import", j => (j.State, j.Error),
            () => suppressionImports.GetAsync(tenantId, listId, job.ImportId, ct), ct);
        if (job.Feed is { } feed)
            return $"suppression import {job.ImportId} ({job.Mode}, feed {feed}) accepted {job.Accepted} of {job.RowsRead} rows: {job.Added} added, " +
                $"{job.Removed} removed, {job.Kept} kept (another source holds them), {job.NotOnList} deletions not on the list";
        return $"suppression import {job.ImportId} ({job.Mode}) accepted {job.Accepted} of {job.RowsRead} rows; the list holds {job.Entries} of them";
    }

    private async Task<string> ExportAsync(Guid tenantId, ScheduleRun run, ScheduleAction a, string timeZone, CancellationToken ct)
    {
        var listId = a.ListId!.Value;
        if (await grains.GetGrain<IContactListGrain>(listId, tenantId.ToString()).GetAsync() is null)
            throw new ScheduleRunFailedException($"Contact list {listId} does not exist (it was deleted).");
        // Placeholders take the occurrence's time, so a retry of the same occurrence writes the same file again.
        var zone = ScheduleTimes.Zone(timeZone) ?? TimeZoneInfo.Utc;
        var remote = RemotePathTemplate.Expand(a.RemotePath!, run.ScheduledFor ?? run.CreatedAt, zone);
        var export = await exports.RunAsync(tenantId, listId, a.SftpConnectionId!.Value, remote, IdempotencyKey(run), ct);
        await runs.SetExportAsync(run.TenantId, run.RunId, listId, export.ExportId, ct);
        if (export.State == "failed") throw new ScheduleRunFailedException($"Export {export.ExportId} failed: {export.Error}");
        return $"export {export.ExportId} wrote {export.Rows} records ({export.Bytes} bytes) to {export.RemotePath}";
    }

    private async Task<string> PurgeAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        var outcome = await purger.PurgeAsync(tenantId, listId, ct)
                      ?? throw new ScheduleRunFailedException($"Suppression list {listId} does not exist (it was deleted).");
        if (outcome.IndexFailure is { } why)
            throw new ScheduleRunFailedException($"Purged {outcome.Purged} entries but could not update the index ({why}); " +
                "lookups on this list fail closed until the index is rebuilt.");
        return $"suppression list {listId}: purged {outcome.Purged} expired entries";
    }

    private async Task<string> RebuildAsync(Guid tenantId, Guid listId, CancellationToken ct)
    {
        var result = await rebuilder.RebuildAsync(tenantId, listId, ct)
                     ?? throw new ScheduleRunFailedException($"Suppression list {listId} does not exist (it was deleted).");
        return $"suppression list {listId}: index rebuilt to version {result.Version} with {result.Entries} entries";
    }

    private static string Verb(CampaignAction a) => a switch
    {
        CampaignAction.Preload => "preload",
        CampaignAction.Start => "start",
        CampaignAction.StartPaused => "start paused",
        CampaignAction.Stop => "stop",
        CampaignAction.ForceStop => "force stop",
        _ => a.ToString(),
    };

    private static string Kebab(CampaignState s) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString());
}
