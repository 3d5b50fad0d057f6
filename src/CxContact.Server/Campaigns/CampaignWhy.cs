using CxContact.Server.Platform.Hosting;
using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using CxContact.Server.Compliance;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using CxContact.Server.CallingList;

namespace CxContact.Server.Campaigns;

/// <summary>
/// GET /campaigns/{id}/records/{contactId}/why: the answer to "why is nothing dialing?" for one contact. Each device
/// row says where it stands (ready, leased, done, left out), why in words, when it is next due, its local window,
/// and for a ready device what the Compliance Manager says right now.
/// </summary>
public static class CampaignWhy
{
    public sealed record Answer(Guid CampaignId, Guid ContactId, string CampaignState, string Summary, IReadOnlyList<Device> Devices);
    public sealed record Device(long RecordId, string Phone, int ChainN, string Status, string? Reason, string Detail, int Attempts,
        string? LastResult, DateTimeOffset? NextDialAt, string? Window, bool CallableNow, ValidationResult? Compliance);

    public static async Task<Results<Ok<Answer>, ProblemHttpResult>> HandleAsync(Guid id, Guid contactId, HttpContext http, IGrainFactory grains,
        CallingListStore store, NpgsqlDataSource db, ComplianceValidator compliance, PlatformClock clock, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        if (await grains.Campaign(caller, id).GetAsync() is not { } info) return CampaignsApi.NoSuchCampaign(id);
        var rows = await store.ContactAsync(id, contactId, ct);
        var state = info.State.ToWire();
        if (rows.Count == 0)
        {
            await using var cmd = db.CreateCommand("SELECT 1 FROM contact_records WHERE tenant_id = @t AND list_id = ANY(@l) AND contact_id = @k");
            cmd.Parameters.AddWithValue("t", caller.TenantId);
            cmd.Parameters.AddWithValue("l", info.Definition.ContactLists.Select(l => l.Id).ToArray());
            cmd.Parameters.AddWithValue("k", contactId);
            if (await cmd.ExecuteScalarAsync(ct) is null)
                return TypedResults.Problem(statusCode: 404, title: "No such contact in this campaign",
                    detail: $"Contact {contactId} is in none of this campaign's contact lists.");
            return TypedResults.Ok(new Answer(id, contactId, state,
                info.LastPreload is null ? "The campaign has not been preloaded yet: POST …/preload builds its calling list."
                    : "The contact was added to a list after the last preload; preload again to bring it in.", []));
        }

        var now = clock.GetUtcNow();
        var devices = new List<Device>();
        foreach (var r in rows)
        {
            var status = RecordStatuses.Name(r.RecordStatus);
            var due = r.NextDialAt is null || r.NextDialAt <= now;
            var blocked = rows.Any(o => o.ChainN < r.ChainN && o.RecordStatus is RecordStatuses.Ready or RecordStatuses.Retrieved);
            var inWindow = InWindow(r, now);
            ValidationResult? decision = null;
            if (r.RecordStatus == RecordStatuses.Ready && !blocked)
            {
                var d = await compliance.DecideAsync(caller.TenantId, PreparedAttempt.ForRecord(r.Phone, id, info.Definition, r.ClientId, contactId,
                    r.Location, r.DeviceType, r.Consent, now), ct);
                decision = ValidationResult.From(d);
            }
            var callable = info.State == CampaignState.Running && r.RecordStatus == RecordStatuses.Ready && !blocked && due && inWindow && decision?.Decision == "allow";
            devices.Add(new Device(r.RecordId, r.Phone, r.ChainN, status, r.Reason,
                Detail(r, info.Definition, blocked, due, inWindow, decision), r.Attempt, r.Result, r.NextDialAt,
                r.DailyFrom is { } f && r.DailyTill is { } t ? $"{Clock(f)}–{Clock(t)} {r.TimeZone}" : null, callable, decision));
        }
        var summary = devices.Any(d => d.CallableNow) ? "A device of this contact is callable now; a dialer's next lease can take it."
            : info.State != CampaignState.Running ? $"The campaign is {state}: nothing is dialed until it runs."
            : devices.Any(d => d.Status == "leased") ? "A device of this contact is out with a dialer now."
            : devices.All(d => d.Status is "done" or "chain-done" or "left-out") ? "Nothing is left to dial for this contact: see each device's detail."
            : "The contact is waiting: see each device's detail for when it is next callable.";
        return TypedResults.Ok(new Answer(id, contactId, state, summary, devices));
    }

    private static bool InWindow(CallingListStore.ContactRow r, DateTimeOffset now)
    {
        if (r.DailyFrom is not { } from || r.DailyTill is not { } till || r.TimeZone is null
            || !TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out var tz)) return false;
        var secs = TimeZoneInfo.ConvertTime(now, tz).TimeOfDay.TotalSeconds;
        return secs >= from && secs < till;
    }

    private static string Clock(int seconds) => $"{seconds / 3600:00}:{seconds / 60 % 60:00}";

    private static string Detail(CallingListStore.ContactRow r, CampaignDefinition def, bool blocked, bool due, bool inWindow, ValidationResult? decision) =>
        r.RecordStatus switch
        {
            RecordStatuses.Cancelled => r.Reason switch
            {
                "no-phone" => "The contact has no phone number.",
                "filtered" => "The campaign's filter leaves this device out.",
                "suppressed-client-id" => $"The contact's client id ({r.ClientId}) is on a suppression list that applies to this campaign.",
                "suppressed-email" => "One of the contact's email addresses is on a suppression list that applies to this campaign.",
                "suppressed-phone" => $"{r.Phone} is on a suppression list that applies to this campaign.",
                "attempts-exhausted" => $"The contact already had the campaign's maximum of {def.MaxAttempts} attempts.",
                "device-type-disabled" => $"This device is a {((DeviceType)r.DeviceType).ToWire()}, a type this campaign does not dial.",
                "device-not-in-order" => "This phone slot is not in the campaign's device order.",
                "location-unknown" => "No country or time zone is known for this device, so its calling hours cannot be checked.",
                "no-calling-window" => "The rule set and the campaign's calling hours leave no time in the coming week to call this location.",
                "removed-from-list" => "The contact left the campaign's lists after it was preloaded.",
                "compliance-denied" => "The Compliance Manager refused it at lease time with no time at which it would allow it (see the decision audit).",
                _ => $"Left out: {r.Reason}.",
            },
            RecordStatuses.Updated => $"Done: the last result was {r.Result ?? "none"} after {r.Attempt} attempt(s).",
            RecordStatuses.ChainUpdated => "Done: the contact was finished on another of its devices.",
            RecordStatuses.Retrieved => $"Out with a dialer under a lease until {r.LeasedUntil:u}.",
            _ when blocked => "Waiting: an earlier device of this contact is still being tried.",
            _ when !due => $"Scheduled: due at {r.NextDialAt:u} (retry {r.Retries} after {r.Result}).",
            _ when !inWindow => "Ready, but outside its local calling window right now.",
            _ when decision is { Decision: not "allow" } => "Ready, but the Compliance Manager says not now: " + string.Join("; ", decision.Reasons.Select(x => x.Detail)),
            _ => "Ready and due.",
        };
}
