using CxContact.Server.Messaging;
using System.Text.Json;
using System.Text.Json.Serialization;
using CxContact.Server.Lists;
using CxContact.Server.Lists.Export;
using CxContact.Server.Lists.Import;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Tenancy;
using CxContact.Server.Platform.Tenancy.Limits;
using CxContact.Server.Sftp;
using CxContact.Server.Campaigns;
using CxContact.Server.Compliance;
using CxContact.Server.Dialing;
using CxContact.Server.Suppression;
using CxContact.Server.Scheduling;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using CxContact.Server.Api.OpenApi;
using CxContact.Server.CallingList;

namespace CxContact.Server.Api;

/// <summary>
/// The API Aggregator: the one HTTP entry. It owns JSON conventions, problem details, auth, OpenAPI and the
/// /api/v1 group; each feature contributes its endpoint group and only translates HTTP to store or grain calls.
/// </summary>
public static class ApiComposition
{
    public static void AddCxApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            // A misspelt field is an error, not silently ignored: "nmae" must not create a tenant without a name.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            // Unknown routes and methods reach here through UseStatusCodePages with no detail of their own.
            if (c.ProblemDetails.Detail is null && c.ProblemDetails.Status is 404 or 405)
                c.ProblemDetails.Detail = c.ProblemDetails.Status == 404
                    ? "There is no such endpoint; /openapi/v1.json lists the routes this API has."
                    : $"{c.HttpContext.Request.Method} is not allowed here; /openapi/v1.json lists the methods each route takes.";
        });
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddMemoryCache();
        services.AddSingleton<RevokedKeys>();
        services.AddAuthentication(Platform.SignIn.SignInSchemes.Default)
            .AddPolicyScheme(Platform.SignIn.SignInSchemes.Default, "API key or session", o => o.ForwardDefaultSelector = Platform.SignIn.SignInHosting.SchemeFor)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        services.AddCxOpenApi();
    }

    public static void MapCxApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").RequireAuthorization(Policies.AnyKey).AddEndpointFilter<TenantPathFilter>().AddEndpointFilter<ReadRetryFilter>();
        v1.MapTenantsApi();
        Platform.SignIn.GroupRolesApi.MapGroupRolesApi(v1);
        v1.MapApiKeysApi();
        v1.MapMeApi();
        v1.MapTenantLimitsApi();
        v1.MapAuditLogApi();
        v1.MapContactListsApi();
        v1.MapImportsApi();
        v1.MapContactListExport();
        v1.MapContactListExportsApi();
        v1.MapSftpConnectionsApi();
        v1.MapComplianceApi();
        v1.MapDecisionsApi();
        v1.MapRuleSetsApi();
        v1.MapSuppressionListsApi();
        v1.MapCampaignsApi();
        v1.MapDialingApi();
        v1.MapSimulatorApi();
        v1.MapSchedulesApi();
        v1.MapJobsApi();
        Platform.Health.AlertsApi.MapAlertsApi(v1);
        v1.MapMessageTemplatesApi();
        v1.MapMessagingGatewaysApi();
        v1.MapKannelCallbacksApi();
        v1.MapMessagesApi();
    }
}
