using CxContact.Server.Platform.Auth;
using Npgsql;

namespace CxContact.Server.Platform.Audit;

/// <summary>
/// Writes an audit entry for an endpoint's change once it has succeeded (a 2xx answer): who (the key), what (the
/// action), on what (the route's id, or the id of what was created) and when. For changes held in grain state, which
/// no SQL transaction can share with the audit row; a failure to write the entry is logged, the change stands.
/// </summary>
public sealed class Audited(string action, Func<HttpContext, object?>? detail = null) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is not IStatusCodeHttpResult { StatusCode: >= 200 and < 300 }) return result;
        var http = context.HttpContext;
        var caller = Caller.From(http.User);
        var target = http.Request.RouteValues.TryGetValue("id", out var id) && id is not null ? id.ToString()
            : http.Request.RouteValues.TryGetValue("listId", out var list) && list is not null ? list.ToString()
            : inner is IValueHttpResult { Value: { } value } ? value.GetType().GetProperty("Id")?.GetValue(value)?.ToString() : null;
        try
        {
            await AuditTrail.RecordAsync(http.RequestServices.GetRequiredService<NpgsqlDataSource>(), caller.TenantId, caller.KeyId, action, target,
                detail?.Invoke(http), CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<Audited>()
                .LogError(e, "Could not write the audit entry {Action} on {Target} for tenant {Tenant}", action, target, caller.TenantId);
        }
        return result;
    }
}
