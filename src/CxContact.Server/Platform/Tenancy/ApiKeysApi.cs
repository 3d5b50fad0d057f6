using CxContact.Core.Tenancy;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Platform.Tenancy;

/// <summary>/api/v1/api-keys: a tenant admin creates, lists and revokes the tenant's keys.</summary>
public static class ApiKeysApi
{
    public sealed record CreateKeyRequest(string? Name, string? Role);

    public static void MapApiKeysApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.TenantAdmin);

        g.MapPost("/", async Task<Results<Created<NewApiKey>, ValidationProblem>> (
            CreateKeyRequest body, HttpContext http, TenantStore store, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var name = errors.Text("name", body.Name);
            if (string.IsNullOrWhiteSpace(body.Role)) errors.Add("role", $"is required: one of {string.Join(", ", ApiKeyRoles.TenantRoles)}");
            else if (!ApiKeyRoles.TenantRoles.Contains(body.Role))
                errors.Add("role", $"\"{body.Role}\" is not a role; use one of {string.Join(", ", ApiKeyRoles.TenantRoles)}");
            if (errors.Any) return errors.ToProblem();

            var caller = Caller.From(http.User);
            var (key, secret) = await store.CreateKeyAsync(caller.TenantId, name, body.Role!, caller.KeyId, ct);
            return TypedResults.Created($"/api/v1/api-keys/{key.Id}", NewApiKey.From(key, secret));
        }).WithSummary("Create an API key for this tenant; the key is in this response only");

        g.MapGet("/", async (HttpContext http, TenantStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListKeysAsync(Caller.From(http.User).TenantId, ct)))
            .WithSummary("List this tenant's keys (without secrets)");

        g.MapDelete("/{keyId:guid}", async Task<Results<Ok<ApiKeyInfo>, ProblemHttpResult>> (
            Guid keyId, HttpContext http, TenantStore store, RevokedKeys revoked, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var key = await store.RevokeKeyAsync(caller.TenantId, keyId, caller.KeyId, ct);
            if (key is null)
                return TypedResults.Problem(statusCode: 404, title: "No such key", detail: $"This tenant has no key {keyId}.");
            revoked.Add(keyId);
            return TypedResults.Ok(key);
        }).WithSummary("Revoke a key; it stops working at once on this silo and within 30 s on the others");
    }
}
