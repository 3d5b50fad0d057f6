using CxContact.Core.Campaigns;
using CxContact.Server.Platform.Hosting;
using System.Text.Json;
using CxContact.Core.Tenancy;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Compliance;

/// <summary>
/// /api/v1/compliance: pre-dial decisions (one, or a batch of up to 10,000), "when may I call", and attempts.
/// Every decision is explained: the rules that denied, with details, and the next time it would be allowed.
/// </summary>
public static class ComplianceApi
{
    public const int MaxBatch = 10_000;
    public sealed record BatchRequest(IReadOnlyList<ValidationRequest>? Items);
    /// <summary>validate-batch's answer, as OpenAPI describes it (written by <see cref="BatchAnswer"/>).</summary>
    public sealed record BatchResult(IReadOnlyList<ValidationResult> Results);
    public sealed record AttemptRequest(string? Phone, string? Email, string? ClientId, string? ContactId, string? CampaignId, string? Result, DateTimeOffset? At, Guid? AttemptId);

    public static void MapComplianceApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/compliance").WithTags("Compliance").RequireAuthorization(Policies.Dialer);

        g.MapPost("/validate", async Task<Results<Ok<ValidationResult>, ValidationProblem>> (ValidationRequest body, HttpContext http,
            AttemptPreparer preparer, ComplianceValidator validator, IGrainFactory grains, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            var prepared = preparer.Prepare(body, await DefaultCountryAsync(grains, caller), errors);
            if (!await validator.RuleSetExistsAsync(caller.TenantId, body.RuleSetId, ct)) errors.Add("ruleSetId", $"this tenant has no rule set \"{body.RuleSetId}\"");
            var campaign = await CampaignAsync(grains, caller, body.CampaignId, "campaignId", errors);
            if (prepared is null || errors.Any) return errors.ToProblem();
            return TypedResults.Ok(ValidationResult.From(await validator.DecideAsync(caller.TenantId, AsCampaignDials(prepared, campaign), ct)));
        }).WithSummary("Decide one attempt: allow or deny, every rule that denied, and nextAllowedAt");

        g.MapPost("/validate-batch", async Task<Results<BatchAnswer, ValidationProblem>> (BatchRequest body, HttpContext http,
            AttemptPreparer preparer, ComplianceValidator validator, IGrainFactory grains, PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            if (body.Items is null || body.Items.Count == 0) return errors.Add("items", "is required: 1 to 10,000 attempts").ToProblem();
            if (body.Items.Count > MaxBatch) return errors.Add("items", $"has {body.Items.Count} attempts; at most {MaxBatch} per call").ToProblem();
            var caller = Caller.From(http.User);
            var country = await DefaultCountryAsync(grains, caller);
            // A batch is decided at one instant (items without "at"): the same answer as items asked one by one at that moment.
            var now = clock.GetUtcNow();
            var prepared = new PreparedAttempt[body.Items.Count];
            for (var i = 0; i < prepared.Length; i++)
                prepared[i] = preparer.Prepare(body.Items[i] ?? new ValidationRequest(null, null, null, null, null, null, null), country, errors, $"items[{i}].", now)!;
            foreach (var (id, i) in body.Items.Select((item, i) => (item?.RuleSetId, i)).DistinctBy(x => x.RuleSetId))
                if (!await validator.RuleSetExistsAsync(caller.TenantId, id, ct)) errors.Add($"items[{i}].ruleSetId", $"this tenant has no rule set \"{id}\"");
            var campaigns = new Dictionary<string, CampaignDefinition?>(StringComparer.Ordinal);
            foreach (var (id, i) in body.Items.Select((item, i) => (item?.CampaignId, i)).DistinctBy(x => x.CampaignId))
                if (id is not null) campaigns[id] = await CampaignAsync(grains, caller, id, $"items[{i}].campaignId", errors);
            if (errors.Any) return errors.ToProblem();
            for (var i = 0; i < prepared.Length; i++)
                if (prepared[i].CampaignId is { } id) prepared[i] = AsCampaignDials(prepared[i], campaigns[id]);
            return new BatchAnswer(await validator.DecideBatchAsync(caller.TenantId, prepared, ct));
        }).WithSummary("Decide up to 10,000 attempts; results come back in the same order");

        g.MapGet("/when", async Task<Results<Ok<ValidationResult>, ValidationProblem>> (HttpContext http, AttemptPreparer preparer,
            ComplianceValidator validator, IGrainFactory grains, CancellationToken ct, string? phone, string? channel, string? tz, string? postalCode,
            string? dialingMode, string? campaignId, DateTimeOffset? at) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            var request = new ValidationRequest(phone, null, channel, dialingMode, campaignId,
                new ValidationContact(null, null, postalCode, null, null, tz, null, null), at);
            var prepared = preparer.Prepare(request, await DefaultCountryAsync(grains, caller), errors);
            var campaign = await CampaignAsync(grains, caller, campaignId, "campaignId", errors);
            if (prepared is null || errors.Any) return errors.ToProblem();
            return TypedResults.Ok(ValidationResult.From(await validator.DecideAsync(caller.TenantId, AsCampaignDials(prepared, campaign), ct)));
        }).WithSummary("When can this number next be called, and why not now");

        g.MapPost("/attempts", async Task<Results<NoContent, ValidationProblem>> (AttemptRequest body, HttpContext http, AttemptHistory history,
            PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var phone = NormalisePhone(body.Phone, errors, "phone");
            if (phone is null && body.Email is null && body.ClientId is null && body.ContactId is null)
                errors.Add("phone", "an attempt needs a phone, email, client id or contact id");
            if (errors.Any) return errors.ToProblem();
            await history.RecordAsync(new AttemptHistory.Attempt(Caller.From(http.User).TenantId, body.At ?? clock.GetUtcNow(), phone ?? body.Email?.Trim().ToLowerInvariant(),
                body.ContactId, body.ClientId, body.CampaignId, body.Result, "api", body.AttemptId), ct);
            return TypedResults.NoContent();
        }).WithSummary("Record an attempt (and its result); it counts toward attempt limits at once");
    }

    private static readonly Core.Phones.PhoneNormalizer Phones = new();

    internal static string? NormalisePhone(string? raw, FieldErrors errors, string field, string country = "US")
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var r = Phones.Normalize(raw, country);
        if (r.Ok) return r.Phone!.E164;
        errors.Add(field, $"\"{Core.Lists.CustomValues.Clip(raw)}\" {r.Error}");
        return null;
    }

    /// <summary>How long a tenant's default country is reused: a change of settings reaches validation within this.</summary>
    public static readonly TimeSpan DefaultCountryCacheFor = TimeSpan.FromSeconds(5);

    // Per silo, per tenant: a grain call per validation cost more than the rest of the edge's work together, and the
    // setting changes rarely. Bounded by the number of tenants.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (string Country, long Until)> DefaultCountries = new();

    internal static async ValueTask<string> DefaultCountryAsync(IGrainFactory grains, Caller caller)
    {
        if (caller.IsSystemAdmin) return "US";
        var now = Environment.TickCount64;
        if (DefaultCountries.TryGetValue(caller.TenantId, out var cached) && now < cached.Until) return cached.Country;
        var country = (await grains.GetGrain<ITenantGrain>(caller.TenantId).GetSettingsAsync()).DefaultCountry;
        DefaultCountries[caller.TenantId] = (country, now + (long)DefaultCountryCacheFor.TotalMilliseconds);
        return country;
    }

    /// <summary>
    /// A campaign named in an attempt must be one of the tenant's: its campaign-scoped suppression lists and limits
    /// apply only to it, so a mistyped id would silently drop them.
    /// </summary>
    /// <summary>The named campaign's definition; an error under <paramref name="field"/> when the tenant has no such campaign.</summary>
    private static async Task<CampaignDefinition?> CampaignAsync(IGrainFactory grains, Caller caller, string? campaignId, string field, FieldErrors errors)
    {
        if (campaignId is null) return null;
        if (!Guid.TryParse(campaignId, out var id)) { errors.Add(field, $"\"{CxContact.Core.Lists.CustomValues.Clip(campaignId)}\" is not a campaign id"); return null; }
        var info = await grains.GetGrain<CxContact.Core.Campaigns.ICampaignGrain>(id, caller.TenantId.ToString()).GetAsync();
        if (info is null) errors.Add(field, $"this tenant has no campaign {id}");
        return info?.Definition;
    }

    /// <summary>
    /// An attempt that names a campaign is the campaign's call: its purpose, dialing mode and rule set apply where the
    /// request does not say otherwise, so validate answers what a lease of the same number would.
    /// </summary>
    private static PreparedAttempt AsCampaignDials(PreparedAttempt p, CampaignDefinition? campaign) =>
        campaign is null ? p : p with
        {
            Purpose = p.Purpose ?? campaign.Purpose,
            DialingMode = p.DialingMode ?? campaign.DialingMode,
            RuleSetId = p.RuleSetId ?? campaign.RuleSetId,
        };
}
