using System.Runtime.CompilerServices;
using CxContact.Core.Campaigns;
using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using CxContact.Server.CallingList;

namespace CxContact.Server.Campaigns;

/// <summary>/api/v1/campaigns: campaign groups, their life-cycle actions, the preload report, "why" and live stats.</summary>
public static class CampaignsApi
{
    public sealed record ListItem(Guid Id, string Name, string State, DateTimeOffset CreatedAt);
    public sealed record PreloadReport(Guid CampaignId, string State, bool Preloading, IReadOnlyDictionary<string, long> Reasons,
        IReadOnlyDictionary<string, long> Statuses, CampaignView.PreloadView? LastPreload);

    public static ICampaignGrain Campaign(this IGrainFactory grains, Caller caller, Guid id) =>
        grains.GetGrain<ICampaignGrain>(id, caller.TenantId.ToString());

    public static ProblemHttpResult NoSuchCampaign(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such campaign", detail: $"This tenant has no campaign {id}.");

    public static ProblemHttpResult Conflict(CampaignActionRefusedException e) => TypedResults.Problem(statusCode: 409,
        title: "The campaign cannot do that now", detail: e.Message,
        extensions: new Dictionary<string, object?> { ["state"] = e.State?.ToWire() });

    public static void MapCampaignsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/campaigns").WithTags("Campaigns");

        g.MapPost("/", async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> (
            CampaignRequest body, HttpContext http, IGrainFactory grains, CampaignRequestParser parser, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            if (await parser.ParseAsync(body, caller.TenantId, errors, ct) is not { } def) return errors.ToProblem();
            var id = Guid.CreateVersion7();
            try
            {
                var info = await grains.Campaign(caller, id).CreateAsync(def);
                await LinkSuppressionAsync(grains, caller, id, [], def.SuppressionLists);
                return TypedResults.Created($"/api/v1/campaigns/{id}", CampaignView.From(info));
            }
            catch (CampaignNameTakenException e) { return new FieldErrors().Add("name", e.Message).ToProblem(); }
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Create a campaign group (in draft)");

        g.MapGet("/", async (HttpContext http, CampaignStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListAsync(Caller.From(http.User).TenantId, ct)).Select(c => new ListItem(c.Id, c.Name, c.State, c.CreatedAt)).ToList()))
            .RequireAuthorization(Policies.TenantReader).WithSummary("List this tenant's campaigns");

        g.MapGet("/{id:guid}", async Task<Results<Ok<CampaignView>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains) =>
            await grains.Campaign(Caller.From(http.User), id).GetAsync() is { } info ? TypedResults.Ok(CampaignView.From(info)) : NoSuchCampaign(id))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A campaign: state, last preload and configuration");

        g.MapPut("/{id:guid}", async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> (
            Guid id, CampaignRequest body, HttpContext http, IGrainFactory grains, CampaignRequestParser parser, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var grain = grains.Campaign(caller, id);
            if (await grain.GetAsync() is not { } before) return NoSuchCampaign(id);
            var errors = new FieldErrors();
            if (await parser.ParseAsync(body, caller.TenantId, errors, ct) is not { } def) return errors.ToProblem();
            try
            {
                var info = await grain.UpdateAsync(def);
                if (info is null) return NoSuchCampaign(id);
                await LinkSuppressionAsync(grains, caller, id, before.Definition.SuppressionLists, def.SuppressionLists);
                return TypedResults.Ok(CampaignView.From(info));
            }
            catch (CampaignNameTakenException e) { return new FieldErrors().Add("name", e.Message).ToProblem(); }
            catch (CampaignActionRefusedException e) { return Conflict(e); }
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Replace a campaign's configuration (takes effect at the next preload and lease)");

        g.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains) =>
        {
            try
            {
                var caller = Caller.From(http.User);
                var grain = grains.Campaign(caller, id);
                var info = await grain.GetAsync();
                if (info is null || !await grain.DeleteAsync()) return NoSuchCampaign(id);
                await LinkSuppressionAsync(grains, caller, id, info.Definition.SuppressionLists, []);
                return TypedResults.NoContent();
            }
            catch (CampaignActionRefusedException e) { return Conflict(e); }
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Delete a campaign and drop its calling list (not while it dials)");

        foreach (var action in Enum.GetValues<CampaignAction>())
        {
            g.MapPost($"/{{id:guid}}/{action.ToWire()}", async Task<Results<Ok<CampaignView>, Accepted<CampaignView>, ProblemHttpResult>> (
                Guid id, HttpContext http, IGrainFactory grains) =>
            {
                try
                {
                    var grain = grains.Campaign(Caller.From(http.User), id);
                    var before = (await grain.GetAsync())?.State;
                    var view = CampaignView.From(await grain.ActAsync(action));
                    // A preload runs in the background (a start preloads first unless the campaign is ready): 202, and GET
                    // the campaign to see it finish; it may even have finished already.
                    var preloads = action == CampaignAction.Preload
                        || (action is CampaignAction.Start or CampaignAction.StartPaused && before != CampaignState.Ready);
                    return preloads ? TypedResults.Accepted($"/api/v1/campaigns/{id}", view) : TypedResults.Ok(view);
                }
                catch (KeyNotFoundException) { return NoSuchCampaign(id); }
                catch (CampaignActionRefusedException e) { return Conflict(e); }
            }).RequireAuthorization(Policies.TenantOperator).WithSummary(Summary(action));
        }

        g.MapGet("/{id:guid}/preload-report", async Task<Results<Ok<PreloadReport>, ProblemHttpResult>> (
            Guid id, HttpContext http, IGrainFactory grains, CallingListStore store, CancellationToken ct) =>
        {
            if (await grains.Campaign(Caller.From(http.User), id).GetAsync() is not { } info) return NoSuchCampaign(id);
            var (reasons, statuses) = await store.ReportAsync(id, ct);
            var view = CampaignView.From(info);
            return TypedResults.Ok(new PreloadReport(id, view.State, view.Preloading, reasons,
                statuses.ToDictionary(s => RecordStatuses.Name(s.Key), s => s.Value), view.LastPreload));
        }).RequireAuthorization(Policies.TenantReader).WithSummary("How many records are in, and how many were left out for each reason");

        g.MapGet("/{id:guid}/records/{contactId:guid}/why", CampaignWhy.HandleAsync)
            .RequireAuthorization(Policies.TenantReader).WithSummary("Why a contact is, or is not, being dialed");

        g.MapGet("/{id:guid}/stats", async Task<Results<Ok<CampaignStats.Snapshot>, ProblemHttpResult>> (
            Guid id, HttpContext http, IGrainFactory grains, CampaignStats stats, CancellationToken ct) =>
        {
            if (await grains.Campaign(Caller.From(http.User), id).GetAsync() is not { } info) return NoSuchCampaign(id);
            return TypedResults.Ok(await stats.GetAsync(info.TenantId, id, info.State.ToWire(), info.Definition, ct));
        }).RequireAuthorization(Policies.TenantReader).WithSummary("Live totals, rates per minute and abandonment over the legal windows");

        g.MapGet("/{id:guid}/stats/stream", async Task<Results<ServerSentEventsResult<CampaignStats.Snapshot>, ProblemHttpResult>> (
            Guid id, HttpContext http, IGrainFactory grains, CampaignStats stats, CancellationToken ct) =>
        {
            var grain = grains.Campaign(Caller.From(http.User), id);
            if (await grain.GetAsync() is null) return NoSuchCampaign(id);
            // nginx (the chart's front door) would otherwise buffer the stream and deliver the events late, in lumps.
            http.Response.Headers["X-Accel-Buffering"] = "no";
            return TypedResults.ServerSentEvents(Stream(grain, id, stats, ct), eventType: "stats");
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The same statistics as a server-sent-events stream, every 2 seconds");
    }

    private static async IAsyncEnumerable<CampaignStats.Snapshot> Stream(ICampaignGrain grain, Guid id, CampaignStats stats,
        [EnumeratorCancellation] CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (await grain.GetAsync() is not { } info) yield break;
            yield return await stats.GetAsync(info.TenantId, id, info.State.ToWire(), info.Definition, ct);
            try { await Task.Delay(CampaignStats.CacheFor, ct); }
            catch (OperationCanceledException) { yield break; }
        }
    }

    /// <summary>
    /// A suppression list scoped to campaigns must name this campaign for the Compliance Manager to apply it; a
    /// tenant-wide list applies anyway. Lists dropped from the campaign stop naming it.
    /// </summary>
    private static async Task LinkSuppressionAsync(IGrainFactory grains, Caller caller, Guid campaignId, IReadOnlyList<Guid> before, IReadOnlyList<Guid> after)
    {
        foreach (var listId in after.Union(before))
        {
            var grain = grains.GetGrain<ISuppressionListGrain>(listId, caller.TenantId.ToString());
            if (await grain.GetAsync() is not { Scope: SuppressionScope.Campaigns } list) continue;
            var wanted = after.Contains(listId);
            if (wanted == list.CampaignIds.Contains(campaignId)) continue;
            var ids = wanted ? list.CampaignIds.Append(campaignId).ToList() : list.CampaignIds.Where(c => c != campaignId).ToList();
            await grain.UpdateAsync(new SuppressionListDefinition(null, null, null, ids));
        }
    }

    private static string Summary(CampaignAction a) => a switch
    {
        CampaignAction.Preload => "Build or refresh the calling list (202; incremental, and safe while running)",
        CampaignAction.Start => "Start dialing (preloads first from draft, stopped or completed)",
        CampaignAction.StartPaused => "Start in paused state (preloads first when needed)",
        CampaignAction.Pause => "Pause: no new leases; results of calls in progress are still taken",
        CampaignAction.Resume => "Resume a paused campaign",
        CampaignAction.Stop => "Stop gracefully: no new leases; stopped once outstanding leases end",
        CampaignAction.ForceStop => "Stop now: outstanding leases are released and their results refused",
        _ => a.ToWire(),
    };
}
