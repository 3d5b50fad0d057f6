using System.Text.Json.Nodes;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CxContact.Server.Api.OpenApi;

/// <summary>
/// /openapi/v1.json, the contract other teams generate clients from (and the admin console does): every operation
/// has an operationId, a description that says who may call it, and the error answers it can give (RFC 7807 problem
/// details, which name the field, row or column). A committed snapshot (docs/openapi/v1.json) guards it against
/// breaking changes; Spectral and Redocly lint it in CI (eng/openapi-lint.sh).
/// </summary>
public static class OpenApiContract
{
    public const string ProblemSchema = "ProblemDetails";

    /// <summary>
    /// Records that share a name (each list API's ListItem; a nested BatchAnswer beside the top-level one): by default
    /// they share one schema, the first one met, and one API is described with another's fields. A nested one is named
    /// by its API instead (CampaignsListItem, SuppressionListsListItem, DialingBatchAnswer).
    /// </summary>
    private static readonly HashSet<Type> Clashing = [.. typeof(OpenApiContract).Assembly.GetTypes()
        .Where(t => t.IsPublic || t.IsNestedPublic)
        .GroupBy(t => t.Name).Where(g => g.Count() > 1).SelectMany(g => g).Where(t => t.IsNested)];

    public static void AddCxOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = t => Clashing.Contains(t.Type) && t.Type.DeclaringType is { } outer
                ? outer.Name.Replace("Api", "", StringComparison.Ordinal) + t.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(t);
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "CX Contact API";
                doc.Info.Description = "Outbound contact-centre platform: contact lists, suppression lists, compliance rules and decisions, "
                    + "voice, SMS and email campaigns, schedules and jobs. Authenticate with \"Authorization: Bearer <API key>\"; "
                    + "every error is an RFC 7807 problem details document.";
                doc.Info.License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/license/mit") };
                doc.Info.Contact = new OpenApiContact { Name = "CX Contact", Url = new Uri("https://github.com/cxcontact/cxcontact") };
                // The document is served by the API it describes: one relative server, the same on every host (the
                // generated default is the requesting host with a trailing slash, which differs per caller).
                doc.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document" }];
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "An API key, shown once when it was created.",
                };
                doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                doc.Components.Schemas[ProblemSchema] = Problem();
                doc.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", doc)] = [] }];
                // Every tag used is declared, with what it groups.
                var used = doc.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(op => op.Tags ?? new HashSet<OpenApiTagReference>())
                    .Select(t => t.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal);
                doc.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag { Name = name, Description = $"The {name} endpoints." }));
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((op, context, _) =>
            {
                var d = context.Description;
                var metadata = d.ActionDescriptor.EndpointMetadata;
                var method = d.HttpMethod ?? "GET";
                var route = "/" + (d.RelativePath ?? "");
                op.OperationId ??= metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName ?? OperationNames.For(method, route);
                var anonymous = metadata.OfType<IAllowAnonymous>().Any();
                var access = anonymous ? "No API key: the caller proves itself otherwise (a shared secret in the URL)." : Access(metadata);
                op.Description = string.IsNullOrWhiteSpace(op.Description)
                    ? $"{(op.Summary ?? OperationNames.For(method, route)).TrimEnd('.')}. {access}"
                    : $"{op.Description.TrimEnd()} {access}";
                if (anonymous) op.Security = [];
                if (metadata.OfType<UploadBody>().Any()) op.RequestBody ??= UploadBody.Describe();

                op.Responses ??= new OpenApiResponses();
                var hasInput = (op.Parameters?.Count ?? 0) > 0 || op.RequestBody is not null;
                if (hasInput) Add(op, context.Document!, "400", "The request is not valid; the problem details name the field, row or column.");
                if (!anonymous)
                {
                    Add(op, context.Document!, "401", "No API key, or one that is unknown, expired or revoked.");
                    Add(op, context.Document!, "403", "The key's role or tenant does not allow this.");
                }
                if (route.Contains('{')) Add(op, context.Document!, "404", "There is no such resource in this tenant.");
                // Every other error is problem details too (409 when the state does not allow it, 429, 503 when a
                // dependency is away): declared once, so generated clients parse its detail instead of dropping it.
                Add(op, context.Document!, "default", "Any other error (409 when the resource's state does not allow it, 503 when a dependency is away).");
                return Task.CompletedTask;
            });
        });

    /// <summary>Who may call it, from the endpoint's authorization policies (the most specific one).</summary>
    private static string Access(IList<object> metadata)
    {
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Where(p => p != Policies.AnyKey).ToList();
        return policies.LastOrDefault() switch
        {
            Policies.SystemAdmin => "Needs a system admin key.",
            Policies.TenantAdmin => "Needs a tenant admin key.",
            Policies.TenantOperator => "Needs a tenant admin or supervisor key.",
            Policies.ExportPii => "Needs a tenant admin or supervisor key (viewers may not export personal data); each export is audited.",
            Policies.TenantReader => "Needs a tenant admin, supervisor or viewer key.",
            Policies.TenantOrSystemReader => "Needs a tenant admin, supervisor or viewer key, or a system admin key.",
            Policies.TenantOrSystemAdmin => "Needs a tenant admin key, or a system admin key.",
            Policies.Dialer => "Needs a dialer or tenant admin key.",
            _ => "Needs an API key of any role.",
        };
    }

    private static void Add(OpenApiOperation op, OpenApiDocument doc, string status, string description)
    {
        if (op.Responses!.ContainsKey(status)) return;
        op.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, doc) },
            },
        };
    }

    /// <summary>RFC 7807 problem details, with the per-field errors a validation failure carries.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 7807 problem details. A validation failure lists each field, row or column in errors.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The messages for each field, row or column named.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        Examples = [JsonNode.Parse("""{"title":"One or more validation errors occurred.","status":400,"errors":{"name":["is required"]}}""")!],
    };
}
