using System.Net.Mail;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Messaging;

/// <summary>
/// /api/v1/messaging-gateways: where a tenant's messages leave (smtp or kannel). Logins go in and never come out; the
/// callback secret for Kannel's DLR and inbound URLs is shown once, when the gateway is created.
/// </summary>
public static class MessagingGatewaysApi
{
    public sealed record GatewayRequest(string? Name, string? Kind, GatewaySettings? Settings, string? Username, string? Password);
    public sealed record Created(MessagingGateway Gateway, string CallbackSecret, MessagingGateway.CallbackUrls? CallbackUrls);
    public sealed record TestResult(bool Ok, string Detail);

    public static void MapMessagingGatewaysApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/messaging-gateways").WithTags("Messaging");

        g.MapPost("/", async Task<Results<Created<Created>, ValidationProblem, ProblemHttpResult>> (GatewayRequest body, HttpContext http,
            MessagingGatewayStore store, IGrainFactory grains, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var (name, kind, settings) = Validate(body, errors);
            var caller = Caller.From(http.User);
            await CheckBounceListAsync(settings, caller, grains, errors);
            if (errors.Any) return errors.ToProblem();
            if (await store.CreateAsync(caller.TenantId, name!, kind!, settings!, body.Username, body.Password, ct) is not var (row, secret)) return NameTaken(name!);
            var view = View(row);
            return TypedResults.Created($"/api/v1/messaging-gateways/{row.Id}", new Created(view, secret, WithSecret(view.Callbacks, secret)));
        }).RequireAuthorization(Policies.TenantAdmin)
          .WithSummary("Add a gateway: smtp (an SMTP relay) or kannel (a sendsms interface); the callback secret is shown once");

        g.MapGet("/", async (HttpContext http, MessagingGatewayStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ListAsync(Caller.From(http.User).TenantId, ct)).Select(View).ToList()))
            .RequireAuthorization(Policies.TenantReader).WithSummary("This tenant's messaging gateways (without credentials)");

        g.MapGet("/{gatewayId:guid}", async Task<Results<Ok<MessagingGateway>, ProblemHttpResult>> (Guid gatewayId, HttpContext http, MessagingGatewayStore store, CancellationToken ct) =>
                await store.GetAsync(Caller.From(http.User).TenantId, gatewayId, ct) is { } row ? TypedResults.Ok(View(row)) : NoSuchGateway(gatewayId))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A messaging gateway (without credentials)");

        g.MapPut("/{gatewayId:guid}", async Task<Results<Ok<MessagingGateway>, ValidationProblem, ProblemHttpResult>> (Guid gatewayId, GatewayRequest body,
            HttpContext http, MessagingGatewayStore store, IGrainFactory grains, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await store.GetAsync(caller.TenantId, gatewayId, ct) is not { } existing) return NoSuchGateway(gatewayId);
            var errors = new FieldErrors();
            var (name, kind, settings) = Validate(body, errors);
            await CheckBounceListAsync(settings, caller, grains, errors);
            if (kind is not null && kind != existing.Kind) errors.Add("kind", $"a gateway keeps its kind ({existing.Kind}); add a new one instead");
            if (errors.Any) return errors.ToProblem();
            var updated = await store.UpdateAsync(caller.TenantId, gatewayId, name!, settings!, body.Username, body.Password, ct);
            if (updated is null) return NameTaken(name!);
            return await store.GetAsync(caller.TenantId, gatewayId, ct) is { } row ? TypedResults.Ok(View(row)) : NoSuchGateway(gatewayId);
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Replace a gateway's settings (and its login, when one is sent)");

        g.MapDelete("/{gatewayId:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid gatewayId, HttpContext http, MessagingGatewayStore store, CancellationToken ct) =>
                await store.DeleteAsync(Caller.From(http.User).TenantId, gatewayId, ct) ? TypedResults.NoContent() : NoSuchGateway(gatewayId))
            .RequireAuthorization(Policies.TenantAdmin).WithSummary("Delete a messaging gateway");

        g.MapPost("/{gatewayId:guid}/test", async Task<Results<Ok<TestResult>, ProblemHttpResult>> (Guid gatewayId, HttpContext http, MessageGateways gateways,
            CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var gateway = await gateways.GetAsync(caller.TenantId, gatewayId, ct);
            if (gateway is null) return NoSuchGateway(gatewayId);
            try { return TypedResults.Ok(new TestResult(true, await gateway.TestAsync(ct))); }
            catch (GatewayUnavailableException e)
            {
                return TypedResults.Problem(statusCode: 502, title: "The gateway did not answer as it should", detail: e.Message);
            }
        }).RequireAuthorization(Policies.TenantAdmin).WithSummary("Reach the gateway with its stored login; 502 says why it failed");
    }

    public static MessagingGateway View(MessagingGatewayStore.Row row) =>
        new(row.Id, row.Name, row.Kind, row.Settings, row.HasCredentials, Callbacks(row), row.CreatedAt, row.UpdatedAt);

    private static MessagingGateway.CallbackUrls? Callbacks(MessagingGatewayStore.Row row) =>
        row.Kind == "kannel" && row.Settings.CallbackBaseUrl is { } b
            ? new($"{b.TrimEnd('/')}/api/v1/messaging/gateways/{row.Id}/kannel/inbound", $"{b.TrimEnd('/')}/api/v1/messaging/gateways/{row.Id}/kannel/dlr")
            : null;

    private static MessagingGateway.CallbackUrls? WithSecret(MessagingGateway.CallbackUrls? urls, string secret) =>
        urls is null ? null : new(urls.Inbound + "?secret=" + secret, urls.DeliveryReport + "?secret=" + secret);

    private static (string? Name, string? Kind, GatewaySettings? Settings) Validate(GatewayRequest b, FieldErrors errors)
    {
        var name = b.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200) errors.Add("name", "is required: 1 to 200 characters");
        if (b.Kind is not ("smtp" or "kannel")) errors.Add("kind", b.Kind is null ? "is required: smtp or kannel" : $"\"{b.Kind}\" is not a gateway kind; use smtp or kannel");
        var s = b.Settings;
        if (s is null) { errors.Add("settings", "is required"); return (name, b.Kind, null); }
        if (b.Password is not null && b.Username is null) errors.Add("username", "is required with a password");
        if (b.Kind == "smtp")
        {
            if (string.IsNullOrWhiteSpace(s.Host) || s.Host.Length > 253) errors.Add("settings.host", "is required: the SMTP relay's host name or address");
            if (s.Port is < 1 or > 65535) errors.Add("settings.port", "must be between 1 and 65535 (default 25)");
            if (s.Security is not (null or "none" or "starttls" or "tls")) errors.Add("settings.security", "use none, starttls or tls");
            if (s.FromAddress is null || !MailAddress.TryCreate(s.FromAddress, out _) || !s.FromAddress.Contains('@'))
                errors.Add("settings.fromAddress", "is required: the address messages come from");
        }
        if (b.Kind == "kannel")
        {
            if (!Uri.TryCreate(s.SendsmsUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(u.Query))
                errors.Add("settings.sendsmsUrl", "is required: the smsbox sendsms URL, e.g. http://kannel:13013/cgi-bin/sendsms (no query)");
            if (!Uri.TryCreate(s.CallbackBaseUrl, UriKind.Absolute, out var c) || c.Scheme is not ("http" or "https"))
                errors.Add("settings.callbackBaseUrl", "is required: how Kannel reaches this API for delivery reports, e.g. http://cxcontact-api");
            if (s.DlrMask is < 0 or > 31) errors.Add("settings.dlrMask", "is a bit mask from 0 to 31 (1 delivered, 2 failed, 4 buffered, 8 SMSC accepted, 16 SMSC rejected)");
            if (string.IsNullOrWhiteSpace(s.From) || s.From.Length > 20)
                errors.Add("settings.from", "is required: the sender (a number, a short code or an alphanumeric sender id, at most 20 characters)");
            foreach (var (field, text) in new[] { ("helpText", s.HelpText), ("optOutReply", s.OptOutReply), ("optInReply", s.OptInReply) })
                if (text is { Length: > 459 }) errors.Add("settings." + field, "at most 459 characters (3 SMS segments)");
        }
        return (name, b.Kind, s);
    }

    private static async Task CheckBounceListAsync(GatewaySettings? settings, Caller caller, IGrainFactory grains, FieldErrors errors)
    {
        if (settings?.BounceListId is { } list
            && await grains.GetGrain<Core.Suppression.ISuppressionListGrain>(list, caller.TenantId.ToString()).GetAsync() is null)
            errors.Add("settings.bounceListId", $"this tenant has no suppression list {list}");
    }

    private static ProblemHttpResult NoSuchGateway(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such messaging gateway", detail: $"This tenant has no messaging gateway {id}.");

    private static ProblemHttpResult NameTaken(string name) =>
        TypedResults.Problem(statusCode: 409, title: "Gateway name taken", detail: $"This tenant already has a gateway named \"{name}\".",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["name"] = ["is taken"] } });
}
