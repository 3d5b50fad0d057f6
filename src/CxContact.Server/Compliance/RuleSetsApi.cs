using System.Text;
using System.Text.Json;
using CxContact.Core.Compliance;
using CxContact.Server.Api;
using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Compliance;

/// <summary>
/// /api/v1/rule-sets: the shipped defaults ("default") and the tenant's own sets, which override and extend them.
/// A set is validated as a whole (defaults plus overrides) when saved; every save is a new version.
/// </summary>
public static class RuleSetsApi
{
    public sealed record RuleSetItem(string Id, int Version, DateTimeOffset? CreatedAt);
    public sealed record JurisdictionsAnswer(string RuleSet, IReadOnlyList<JurisdictionTable.Row> Rows);
    public sealed record VersionItem(int Version, DateTimeOffset? CreatedAt, Guid? CreatedByKey);
    public sealed record DiffAnswer(string RuleSet, int From, int To, IReadOnlyList<RuleSetDiff.Change> Changes);

    public static void MapRuleSetsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/rule-sets").WithTags("Compliance");

        g.MapGet("/", async (HttpContext http, RuleSetStore store, CancellationToken ct) =>
        {
            var mine = await store.ListAsync(Caller.From(http.User).TenantId, ct);
            return TypedResults.Ok(mine.Select(s => new RuleSetItem(s.Id, s.Version, s.CreatedAt))
                .Prepend(new RuleSetItem(RuleSetStore.DefaultId, RuleSets.Default.Version, null)).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The default rule set and this tenant's own");

        g.MapGet("/{id}", async Task<Results<ContentHttpResult, ProblemHttpResult>> (string id, HttpContext http, RuleSetStore store, CancellationToken ct) =>
        {
            var set = id == RuleSetStore.DefaultId ? RuleSets.Default : (await store.LatestAsync(Caller.From(http.User).TenantId, id, ct))?.Effective;
            return set is null ? NoSuchRuleSet(id) : TypedResults.Content(RuleSets.ToJson(set), "application/json", Encoding.UTF8);
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The effective rules of a set (defaults with the tenant's overrides)");

        g.MapGet("/{id}/jurisdictions", async Task<Results<Ok<JurisdictionsAnswer>, ProblemHttpResult>> (string id, HttpContext http, RuleSetStore store,
            CancellationToken ct) =>
        {
            var set = id == RuleSetStore.DefaultId ? RuleSets.Default : (await store.LatestAsync(Caller.From(http.User).TenantId, id, ct))?.Effective;
            return set is null ? NoSuchRuleSet(id) : TypedResults.Ok(new JurisdictionsAnswer(set.VersionTag, JurisdictionTable.Rows(set)));
        }).RequireAuthorization(Policies.TenantReader)
          .WithSummary("Every jurisdiction the set covers, one row per rule: what it does, which calls it covers, its source and when it was checked");

        g.MapGet("/{id}/versions", async Task<Results<Ok<List<VersionItem>>, ProblemHttpResult>> (string id, HttpContext http, RuleSetStore store,
            CancellationToken ct) =>
        {
            if (id == RuleSetStore.DefaultId) return TypedResults.Ok(new List<VersionItem> { new(RuleSets.Default.Version, null, null) });
            var versions = await store.VersionsAsync(Caller.From(http.User).TenantId, id, ct);
            return versions.Count == 0 ? NoSuchRuleSet(id) : TypedResults.Ok(versions.Select(v => new VersionItem(v.Version, v.CreatedAt, v.CreatedBy)).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The saved versions of a tenant's rule set, oldest first");

        g.MapGet("/{id}/versions/{a:int}/diff/{b:int}", async Task<Results<Ok<DiffAnswer>, ProblemHttpResult>> (string id, int a, int b, HttpContext http,
            RuleSetStore store, CancellationToken ct) =>
        {
            if (id == RuleSetStore.DefaultId) return NoSuchVersion(id, a == RuleSets.Default.Version ? b : a);
            var tenant = Caller.From(http.User).TenantId;
            var before = await store.VersionAsync(tenant, id, a, ct);
            if (before is null) return NoSuchVersion(id, a);
            var after = await store.VersionAsync(tenant, id, b, ct);
            if (after is null) return NoSuchVersion(id, b);
            return TypedResults.Ok(new DiffAnswer(id, a, b, RuleSetDiff.Between(before.Effective, after.Effective)));
        }).RequireAuthorization(Policies.TenantReader).WithSummary("What changed between two versions of a tenant's rule set, rule by rule and field by field");

        g.MapPut("/{id}", async Task<Results<Ok<RuleSetItem>, ValidationProblem, ProblemHttpResult>> (string id, HttpContext http, RuleSetStore store,
            RebuildRequests rebuilds, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            if (id == RuleSetStore.DefaultId) return TypedResults.Problem(statusCode: 409, title: "The default rule set is read-only",
                detail: "Save your changes under a name of your own; they override the defaults rule by rule.");
            if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9][a-z0-9-]{0,62}$"))
                return errors.Add("id", "use 1-63 lower-case letters, digits and dashes").ToProblem();
            string body;
            using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ct);
            RuleSet overrides;
            try
            {
                // The route names the set and the store numbers its versions: the body need not repeat either.
                var node = System.Text.Json.Nodes.JsonNode.Parse(body) as System.Text.Json.Nodes.JsonObject
                    ?? throw new RuleSetException("", "the body must be a JSON object (a rule set)");
                node["id"] ??= id;
                node["version"] ??= 1;
                node["name"] ??= id;
                overrides = RuleSets.Parse(node.ToJsonString());
            }
            catch (RuleSetException e) { errors.Merge(e.ToErrors()); return errors.ToProblem(); }
            catch (JsonException e) { return errors.Add("body", $"is not valid JSON: {e.Message.Split(" Path:")[0]}").ToProblem(); }
            var caller = Caller.From(http.User);
            errors.Merge(RuleSets.ValidateOverrides(RuleSets.Default, overrides with { Id = id, Version = 1 }));
            if (errors.Any) return errors.ToProblem();
            // Redis keeps attempts only as far back as the rules needed so far: a rule that counts further back needs the
            // older attempts reloaded from PostgreSQL before any decision uses it, so the rebuild is asked for (and
            // validation fails closed) before the set is saved.
            var needed = AttemptHorizon.Needed(RuleSetStore.Effective(overrides, id, 1));
            if (await rebuilds.ExtendHorizonAsync(needed, ct))
                await rebuilds.RequestAsync($"rule set \"{id}\" counts attempts {needed.TotalDays:0.#} days back, further than Redis kept them", ct);
            var saved = await store.SaveAsync(caller.TenantId, id, overrides, caller.KeyId, ct);
            return TypedResults.Ok(new RuleSetItem(saved.Id, saved.Version, saved.CreatedAt));
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Save a new version of a tenant rule set (overrides of the defaults)");
    }

    private static ProblemHttpResult NoSuchVersion(string id, int version) =>
        TypedResults.Problem(statusCode: 404, title: "No such version", detail: $"Rule set \"{id}\" has no saved version {version}; GET .../versions lists them.");

    public static ProblemHttpResult NoSuchRuleSet(string id) =>
        TypedResults.Problem(statusCode: 404, title: "No such rule set", detail: $"This tenant has no rule set \"{id}\"; \"default\" is the shipped one.");
}
