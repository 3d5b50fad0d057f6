using CxContact.Server.Platform.Hosting;
using System.Text.Json;
using CxContact.Server.Api;
using CxContact.Server.Compliance;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Dialing;

/// <summary>
/// OCS-compatible endpoints. /ocs/validate takes a calling-list record's GSW_* keys and answers 200 (dial) or 409
/// (do not dial) with the reasons; /ocs/history takes dial notifications (GSW_OCS_SEQUENCE_NO 0) and results
/// (1, with GSW_CALL_RESULT), which feed the attempt history.
/// </summary>
public static class OcsApi
{
    public static void MapOcsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/ocs").WithTags("OCS").RequireAuthorization(Policies.Dialer);

        g.MapPost("/validate", async Task<Results<Ok<ValidationResult>, Conflict<ValidationResult>, ValidationProblem>> (
            Dictionary<string, JsonElement> keys, HttpContext http, AttemptPreparer preparer, ComplianceValidator validator, IGrainFactory grains, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            string? Key(string name) => keys.TryGetValue(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;
            var request = new ValidationRequest(Key("GSW_PHONE"), Key("email"), Key("channel"), Key("GSW_DIALING_MODE") ?? Key("dialing_mode"), Key("GSW_CAMPAIGN_NAME"),
                new ValidationContact(Key("client_id"), Key("GSW_CHAIN_ID"), Key("postal_code"), Key("region"), Key("country"), Key("GSW_TZ_NAME"),
                    Key("device_type"), Key("consent_autodial_mobile") is { } consent ? new ValidationConsent(consent is "1" or "true" or "True") : null), null);
            var prepared = preparer.Prepare(request, await ComplianceApi.DefaultCountryAsync(grains, caller), errors);
            if (prepared is null) return errors.ToProblem();
            var result = ValidationResult.From(await validator.DecideAsync(caller.TenantId, prepared, ct));
            return result.Decision == "allow" ? TypedResults.Ok(result) : TypedResults.Conflict(result);
        }).WithSummary("OCS pre-dial validation: 200 = dial, 409 = do not dial (with reasons)");

        g.MapPost("/history", async Task<Results<NoContent, ValidationProblem>> (Dictionary<string, JsonElement> keys, HttpContext http,
            AttemptHistory history, PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            string? Key(string name) => keys.TryGetValue(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;
            var phone = ComplianceApi.NormalisePhone(Key("GSW_PHONE"), errors, "GSW_PHONE");
            if (phone is null && !errors.Any) errors.Add("GSW_PHONE", "is required");
            var sequence = Key("GSW_OCS_SEQUENCE_NO");
            if (sequence is not ("0" or "1")) errors.Add("GSW_OCS_SEQUENCE_NO", "is 0 (dialed) or 1 (released, with GSW_CALL_RESULT)");
            Guid? attemptId = null;
            if (Key("GSW_CALL_ATTEMPT_GUID") is { } g)
            {
                if (Guid.TryParse(g, out var parsed)) attemptId = parsed;
                else errors.Add("GSW_CALL_ATTEMPT_GUID", "is not a GUID");
            }
            if (sequence == "1" && attemptId is null) errors.Add("GSW_CALL_ATTEMPT_GUID", "a result must name the attempt it belongs to");
            if (errors.Any) return errors.ToProblem();
            var result = sequence == "1" ? Key("GSW_CALL_RESULT") ?? "unknown" : null;
            await history.RecordAsync(new AttemptHistory.Attempt(Caller.From(http.User).TenantId, clock.GetUtcNow(), phone, Key("GSW_CHAIN_ID"), Key("client_id"),
                Key("GSW_CAMPAIGN_NAME"), result, "ocs", attemptId), ct);
            return TypedResults.NoContent();
        }).WithSummary("OCS history: dial notifications and results, counted in the attempt history");
    }
}
