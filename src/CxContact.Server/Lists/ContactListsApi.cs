using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Tenancy;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Lists;

/// <summary>/api/v1/contact-lists: create, read, rename, delete lists and page through their records.</summary>
public static class ContactListsApi
{
    public const int MaxPage = 1000;

    public sealed record CreateListRequest(string? Name, string? Description, JsonElement? Spec, string? DefaultCountry, string? DefaultTimeZone);
    public sealed record UpdateListRequest(string? Name, string? Description, JsonElement? Spec, string? DefaultCountry, string? DefaultTimeZone);
    /// <param name="Records">The list's counts, as its own view has them (null when the list could not be read just now).</param>
    public sealed record ListItem(Guid Id, string Name, DateTimeOffset CreatedAt, long? Records, long? Devices, long? Invalid);
    public sealed record RecordPage(IReadOnlyList<ContactRow> Records, Guid? Next);

    public static IContactListGrain Grain(this IGrainFactory grains, Caller caller, Guid listId) =>
        grains.GetGrain<IContactListGrain>(listId, caller.TenantId.ToString());

    public static ProblemHttpResult NoSuchList(Guid listId) =>
        TypedResults.Problem(statusCode: 404, title: "No such contact list", detail: $"This tenant has no contact list {listId}.");

    public static void MapContactListsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/contact-lists").WithTags("Contact lists");

        g.MapPost("/", async Task<Results<Created<ContactListView>, ValidationProblem>> (CreateListRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            var name = errors.Text("name", body.Name);
            var spec = Definition(body.Description, body.Spec, body.DefaultCountry, body.DefaultTimeZone, errors);
            if (errors.Any) return errors.ToProblem();
            var id = Guid.CreateVersion7();
            var info = await grains.Grain(Caller.From(http.User), id).CreateAsync(spec with { Name = name });
            return TypedResults.Created($"/api/v1/contact-lists/{id}", ContactListView.From(info));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Create a contact list");

        g.MapGet("/", async (HttpContext http, ContactListStore store, IGrainFactory grains, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var lists = await store.ListAsync(caller.TenantId, ct);
            // Each list's counts are its grain's: asked for together, so a table of lists is one request for its caller.
            var infos = await Task.WhenAll(lists.Select(l => grains.Grain(caller, l.Id).GetAsync()));
            return TypedResults.Ok(lists.Zip(infos, (l, i) => new ListItem(l.Id, l.Name, l.CreatedAt, i?.Counts.Records, i?.Counts.Devices, i?.Counts.Invalid)).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("List this tenant's contact lists with their counts");

        g.MapGet("/{listId:guid}", async Task<Results<Ok<ContactListView>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains) =>
            await grains.Grain(Caller.From(http.User), listId).GetAsync() is { } info ? TypedResults.Ok(ContactListView.From(info)) : NoSuchList(listId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A list with its counts and recent imports");

        g.MapPatch("/{listId:guid}", async Task<Results<Ok<ContactListView>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, UpdateListRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            string? name = body.Name is null ? null : errors.Text("name", body.Name);
            var changes = Definition(body.Description, body.Spec, body.DefaultCountry, body.DefaultTimeZone, errors);
            if (errors.Any) return errors.ToProblem();
            return await grains.Grain(Caller.From(http.User), listId).UpdateAsync(changes with { Name = name }) is { } info
                ? TypedResults.Ok(ContactListView.From(info)) : NoSuchList(listId);
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Rename a list, or change its description, defaults or saved spec");

        g.MapDelete("/{listId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains) =>
            await grains.Grain(Caller.From(http.User), listId).DeleteAsync() ? TypedResults.NoContent() : NoSuchList(listId))
            .RequireAuthorization(Policies.TenantOperator).WithSummary("Delete a list and drop its records");

        g.MapGet("/{listId:guid}/records", async Task<Results<Ok<RecordPage>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, ContactListStore store, CancellationToken ct, int? limit, Guid? after, string? search, bool? invalid) =>
        {
            var errors = new FieldErrors();
            if (limit is < 1 or > MaxPage) errors.Add("limit", $"must be between 1 and {MaxPage}");
            if (search is { Length: > 200 }) errors.Add("search", "at most 200 characters");
            if (errors.Any) return errors.ToProblem();
            if (await grains.Grain(Caller.From(http.User), listId).GetAsync() is null) return NoSuchList(listId);
            var n = limit ?? 100;
            var rows = await store.PageAsync(listId, after, n, ct, string.IsNullOrWhiteSpace(search) ? null : search.Trim(), invalid == true);
            return TypedResults.Ok(new RecordPage(rows, rows.Count == n ? rows[^1].Id : null));
        }).RequireAuthorization(Policies.TenantReader)
          .WithSummary("Page through a list's records (after = the previous page's next); ?search= matches a client id, phone or email exactly, " +
                       "or the start of a first or last name; ?invalid=true keeps only records with an invalid phone or email");
    }

    private static ContactListDefinition Definition(string? description, JsonElement? spec, string? country, string? zone, FieldErrors errors)
    {
        if (description is { Length: > 2000 }) errors.Add("description", "at most 2000 characters");
        if (country is not null && !TenantSettingsRules.IsIsoCountry(country)) errors.Add("defaultCountry", $"\"{country}\" is not an ISO 3166-1 alpha-2 country code");
        if (zone is not null && !TenantSettingsRules.IsIanaZone(zone)) errors.Add("defaultTimeZone", $"\"{zone}\" is not a known IANA time zone");
        string? specJson = null;
        if (spec is { ValueKind: not JsonValueKind.Null } s && SpecParser.Parse(s, errors) is not null) specJson = s.GetRawText();
        return new ContactListDefinition(null, description, country, zone, specJson);
    }
}
