using CxContact.Server.Jobs;
using CxContact.Core.Campaigns;
using CxContact.Core.Lists;
using CxContact.Core.Scheduling;
using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Platform.Hosting;
using System.Text.Json;
using CxContact.Server.Lists;
using CxContact.Server.Lists.Import;
using CxContact.Server.Sftp;
using CxContact.Server.Suppression;

namespace CxContact.Server.Scheduling;

/// <summary>
/// Validates a schedule body at the edge, naming every bad field: the cron expression, the zone, the action type,
/// and every campaign, list or SFTP connection the action points at (they must exist when the schedule is saved;
/// one deleted later fails its run instead).
/// </summary>
public sealed class ScheduleRequestParser(IGrainFactory grains, SftpConnectionStore connections, PlatformClock clock)
{
    public async Task<ScheduleDefinition?> ParseAsync(ScheduleRequest b, Guid tenantId, FieldErrors errors, CancellationToken ct)
    {
        var name = errors.Text("name", b.Name);
        var cron = b.Cron?.Trim();
        if (cron is not null && b.RunAt is not null) errors.Add("cron", "give either cron (repeating) or runAt (once), not both");
        else if (cron is null && b.RunAt is null) errors.Add("cron", "is required (or runAt, for a single run)");
        else if (cron is not null && ScheduleTimes.Parse(cron, out var cronError) is null) errors.Add("cron", cronError!);
        else if (b.RunAt is { } at && at <= clock.GetUtcNow()) errors.Add("runAt", $"{at:O} is in the past");

        var zone = b.TimeZone?.Trim();
        if (string.IsNullOrEmpty(zone)) errors.Add("timeZone", "is required: an IANA time zone such as \"America/New_York\"");
        else if (ScheduleTimes.Zone(zone) is null) errors.Add("timeZone", $"\"{zone}\" is not an IANA time zone (e.g. \"America/New_York\", \"Europe/Berlin\", \"UTC\")");

        var missed = b.MissedRuns ?? MissedRunPolicy.RunOnce;
        if (missed is not (MissedRunPolicy.RunOnce or MissedRunPolicy.Skip))
            errors.Add("missedRuns", $"\"{missed}\" is not a policy; use {MissedRunPolicy.RunOnce} or {MissedRunPolicy.Skip}");

        var action = await ActionAsync(b.Action, tenantId, errors, ct);
        if (errors.Any) return null;
        return new ScheduleDefinition
        {
            Name = name, Cron = cron, RunAt = b.RunAt?.ToUniversalTime(), TimeZone = zone!, Action = action!, Enabled = b.Enabled ?? true,
            MissedRuns = missed,
        };
    }

    private async Task<ScheduleAction?> ActionAsync(ScheduleActionRequest? a, Guid tenantId, FieldErrors errors, CancellationToken ct)
    {
        if (a is null) { errors.Add("action", "is required: {type, …}"); return null; }
        var type = a.Type?.Trim();
        if (string.IsNullOrEmpty(type)) { errors.Add("action.type", $"is required; one of {string.Join(", ", ScheduleActionTypes.All)}"); return null; }
        if (!ScheduleActionTypes.All.Contains(type))
        {
            errors.Add("action.type", $"\"{type}\" is not an action; use one of {string.Join(", ", ScheduleActionTypes.All)}");
            return null;
        }
        var before = errors.Count;
        var t = tenantId.ToString();
        if (ScheduleActionTypes.CampaignActions.Contains(type))
        {
            if (a.CampaignId is not { } c) errors.Add("action.campaignId", "is required: the campaign to act on");
            else if (await grains.GetGrain<ICampaignGrain>(c, t).GetAsync() is null) errors.Add("action.campaignId", $"this tenant has no campaign {c} (or it was deleted)");
            return errors.Count > before ? null : new ScheduleAction { Type = type, CampaignId = a.CampaignId };
        }
        if (ScheduleActionTypes.SuppressionActions.Contains(type))
        {
            if (a.ListId is not { } l) errors.Add("action.listId", "is required: the suppression list to act on");
            else if (await grains.GetGrain<ISuppressionListGrain>(l, t).GetAsync() is null) errors.Add("action.listId", $"this tenant has no suppression list {l} (or it was deleted)");
            return errors.Count > before ? null : new ScheduleAction { Type = type, ListId = a.ListId };
        }

        // The SFTP actions: a pull into a contact or suppression list, or a push of a contact list.
        var suppression = type == ScheduleActionTypes.ImportSuppressionList;
        if (a.ListId is not { } list) errors.Add("action.listId", $"is required: the {(suppression ? "suppression" : "contact")} list to {(type == ScheduleActionTypes.ExportContactList ? "export" : "import into")}");
        else if (suppression ? await grains.GetGrain<ISuppressionListGrain>(list, t).GetAsync() is null : await grains.GetGrain<IContactListGrain>(list, t).GetAsync() is null)
            errors.Add("action.listId", $"this tenant has no {(suppression ? "suppression" : "contact")} list {list} (or it was deleted)");
        var remote = a.RemotePath?.Trim();
        await ImportPull.CheckSourceAsync(tenantId, a.SftpConnectionId, remote, connections, errors, "action.", ct);
        if ((type == ScheduleActionTypes.ExportContactList || suppression) && remote is { Length: > 0 } && RemotePathTemplate.Problem(remote) is { } problem)
            errors.Add("action.remotePath", problem);
        if (type == ScheduleActionTypes.ExportContactList)
        {
            foreach (var (field, given) in new (string, object?)[] { ("mode", a.Mode), ("then", a.Then), ("campaignId", a.CampaignId), ("spec", a.Spec) })
                if (given is not null) errors.Add("action." + field, "is not used by export-contact-list; leave it out");
            return errors.Count > before ? null : new ScheduleAction { Type = type, ListId = a.ListId, SftpConnectionId = a.SftpConnectionId, RemotePath = remote };
        }

        var modes = suppression ? SuppressionImportsApi.Modes : ImportsApi.Modes;
        var mode = a.Mode ?? "append";
        if (!modes.Contains(mode)) errors.Add("action.mode", $"\"{mode}\" is not a mode; use {ImportPull.Or(modes)}");
        var spec = a.Spec is { ValueKind: not JsonValueKind.Null } s ? s.GetRawText() : null;
        // A suppression import's mode decides which spec fields it needs (a feed mode needs spec.feed), so it is checked even when absent.
        if (spec is not null || suppression) CheckSpec(spec ?? "{}", suppression, mode, errors);
        if (suppression)
        {
            if (a.Then is not null) errors.Add("action.then", "is not used by import-suppression-list; leave it out");
            if (a.CampaignId is not null) errors.Add("action.campaignId", "is not used by import-suppression-list; leave it out");
        }
        else if (a.Then is { } then)
        {
            if (then is not ("preload" or "start" or "start-paused")) errors.Add("action.then", $"\"{then}\" is not a follow-up; use preload, start or start-paused");
            if (a.CampaignId is not { } c) errors.Add("action.campaignId", $"is required with then: the campaign to {then} after the import");
            else if (await grains.GetGrain<ICampaignGrain>(c, t).GetAsync() is null) errors.Add("action.campaignId", $"this tenant has no campaign {c} (or it was deleted)");
        }
        else if (a.CampaignId is not null) errors.Add("action.then", "is required with campaignId: preload, start or start-paused");
        return errors.Count > before ? null : new ScheduleAction
        {
            Type = type, ListId = a.ListId, SftpConnectionId = a.SftpConnectionId, RemotePath = remote, Mode = mode, CampaignId = a.CampaignId,
            Then = a.Then, Spec = spec,
        };
    }

    /// <summary>The spec is checked by the same rules as an import started over HTTP; its errors are named under action.spec.</summary>
    private static void CheckSpec(string spec, bool suppression, string mode, FieldErrors errors)
    {
        var own = new FieldErrors();
        if (suppression) SuppressionImportsApi.Validate(spec, mode, own);
        else if (SpecParser.Parse(spec, own) is { } parsed && mode == "update") ImportsApi.CheckUpdateKey(parsed, own);
        errors.AddUnder("action.", own);
    }
}
