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
            errors.Merge(RuleSets.Validate(RuleSetStore.Effective(overrides, id, 1)));
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

    public static ProblemHttpResult NoSuchRuleSet(string id) =>
        TypedResults.Problem(statusCode: 404, title: "No such rule set", detail: $"This tenant has no rule set \"{id}\"; \"default\" is the shipped one.");
}
