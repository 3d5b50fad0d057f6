using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Suppression;

/// <summary>/api/v1/suppression-lists: create, read, change and delete lists; entries are in <see cref="SuppressionEntriesApi"/>.</summary>
public static class SuppressionListsApi
{
    public const int MaxCampaigns = 1000;

    public sealed record ListRequest(string? Name, string? Description, string? Scope, List<Guid>? CampaignIds);
    public sealed record ListItem(Guid Id, string Name, string Scope, DateTimeOffset CreatedAt);

    public static ISuppressionListGrain SuppressionList(this IGrainFactory grains, Caller caller, Guid listId) =>
        grains.GetGrain<ISuppressionListGrain>(listId, caller.TenantId.ToString());

    public static ProblemHttpResult NoSuchList(Guid listId) =>
        TypedResults.Problem(statusCode: 404, title: "No such suppression list", detail: $"This tenant has no suppression list {listId}.");

    public static void MapSuppressionListsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/suppression-lists").WithTags("Suppression lists");

        g.MapPost("/", async Task<Results<Created<SuppressionListView>, ValidationProblem>> (ListRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            var name = errors.Text("name", body.Name);
            var d = Definition(body, errors, creating: true);
            if (errors.Any) return errors.ToProblem();
            var id = Guid.CreateVersion7();
            var info = await grains.SuppressionList(Caller.From(http.User), id).CreateAsync(d with { Name = name });
            return TypedResults.Created($"/api/v1/suppression-lists/{id}", SuppressionListView.From(info));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Create a suppression list (tenant-wide, or for given campaigns)");

        g.MapGet("/", async (HttpContext http, SuppressionListStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListAsync(Caller.From(http.User).TenantId, ct)).Select(l => new ListItem(l.Id, l.Name, l.Scope, l.CreatedAt)).ToList()))
            .RequireAuthorization(Policies.TenantReader).WithSummary("List this tenant's suppression lists");

        g.MapGet("/{listId:guid}", async Task<Results<Ok<SuppressionListView>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains) =>
            await grains.SuppressionList(Caller.From(http.User), listId).GetAsync() is { } info ? TypedResults.Ok(SuppressionListView.From(info)) : NoSuchList(listId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A suppression list with its entry count and index state");

        g.MapPatch("/{listId:guid}", async Task<Results<Ok<SuppressionListView>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, ListRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            string? name = body.Name is null ? null : errors.Text("name", body.Name);
            var grain = grains.SuppressionList(Caller.From(http.User), listId);
            var d = Definition(body, errors, creating: false);
            if (errors.Any) return errors.ToProblem();
            if (await grain.GetAsync() is not { } current) return NoSuchList(listId);
            // Naming campaigns on a tenant-wide list (or moving to "campaigns" with none) is judged on the result.
            var scope = d.Scope ?? current.Scope;
            var campaigns = d.CampaignIds ?? (scope == SuppressionScope.Tenant ? [] : current.CampaignIds);
            CheckScope(scope, campaigns, errors);
            if (errors.Any) return errors.ToProblem();
            return await grain.UpdateAsync(d with { Name = name }) is { } info ? TypedResults.Ok(SuppressionListView.From(info)) : NoSuchList(listId);
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Rename a list, or change its description or scope");

        g.MapDelete("/{listId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains) =>
            await grains.SuppressionList(Caller.From(http.User), listId).DeleteAsync() ? TypedResults.NoContent() : NoSuchList(listId))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("Delete a list, its entries and its index");

        g.MapSuppressionEntriesApi();
        g.MapSuppressionImportsApi();
        g.MapSuppressionFeedsApi();
    }

    private static SuppressionListDefinition Definition(ListRequest body, FieldErrors errors, bool creating)
    {
        if (body.Description is { Length: > 2000 }) errors.Add("description", "at most 2000 characters");
        if (body.Scope is not null && !SuppressionScope.IsKnown(body.Scope))
            errors.Add("scope", $"\"{body.Scope}\" is not a scope; use \"{SuppressionScope.Tenant}\" or \"{SuppressionScope.Campaigns}\"");
        if (body.CampaignIds is { Count: > MaxCampaigns }) errors.Add("campaignIds", $"at most {MaxCampaigns} campaigns");
        if (body.CampaignIds?.Contains(Guid.Empty) == true) errors.Add("campaignIds", "an empty id is not a campaign");
        if (creating && SuppressionScope.IsKnown(body.Scope ?? SuppressionScope.Tenant))
            CheckScope(body.Scope ?? SuppressionScope.Tenant, body.CampaignIds ?? [], errors);
        return new SuppressionListDefinition(null, body.Description, body.Scope, body.CampaignIds);
    }

    private static void CheckScope(string scope, IReadOnlyList<Guid> campaigns, FieldErrors errors)
    {
        if (scope == SuppressionScope.Campaigns && campaigns.Count == 0)
            errors.Add("campaignIds", "a list scoped to campaigns must name at least one");
        if (scope == SuppressionScope.Tenant && campaigns.Count > 0)
            errors.Add("campaignIds", "a tenant-wide list applies to every campaign; use scope \"campaigns\" to name some");
    }
}
