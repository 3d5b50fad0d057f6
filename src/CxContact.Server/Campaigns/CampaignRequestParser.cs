using System.Globalization;
using System.Text.RegularExpressions;
using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Lists;
using CxContact.Core.Phones;
using CxContact.Core.Suppression;
using CxContact.Server.Api;
using CxContact.Server.Compliance;

namespace CxContact.Server.Campaigns;

/// <summary>
/// Validates a campaign body at the edge into a <see cref="CampaignDefinition"/>, naming every bad field: unknown or
/// deleted lists, an unknown rule set, strategy cycles and negative delays, bad device slots, bad hours.
/// </summary>
public sealed partial class CampaignRequestParser(IGrainFactory grains, RuleSetStore ruleSets, Messaging.MessageTemplateStore templates,
    Messaging.MessagingGatewayStore gateways, Lists.ContactListStore listStore)
{
    public const int MaxLists = 50;

    /// <summary>A campaign's message cap: an aggregator's SMPP binds or a relay take thousands a second; the tenant's own cap (CXC_MESSAGES_PER_SECOND_PER_TENANT) still applies.</summary>
    public const int MaxMessagesPerSecond = 10_000;
    public const int MaxSortFields = 4;
    public const int MaxLeaseSeconds = 3600;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex FieldName();

    public async Task<CampaignDefinition?> ParseAsync(CampaignRequest b, Guid tenantId, FieldErrors errors, CancellationToken ct)
    {
        var name = errors.Text("name", b.Name);
        if (b.Description is { Length: > 2000 }) errors.Add("description", "at most 2000 characters");

        var lists = new List<CampaignListRef>();
        var listNames = new Dictionary<Guid, string>();
        var given = b.ContactLists ?? [];
        if (given.Count > MaxLists) errors.Add("contactLists", $"{given.Count} lists; at most {MaxLists}");
        for (var i = 0; i < given.Count; i++)
        {
            var l = given[i];
            var at = $"contactLists[{i}]";
            if (l?.Id is not { } id) { errors.Add(at + ".id", "is required"); continue; }
            var weight = l.Weight ?? 1;
            if (weight is < 1 or > 100) errors.Add(at + ".weight", "must be between 1 and 100");
            if (lists.Any(x => x.Id == id)) errors.Add(at + ".id", $"list {id} is named twice");
            else if (await grains.GetGrain<IContactListGrain>(id, tenantId.ToString()).GetAsync() is not { } info)
                errors.Add(at + ".id", $"this tenant has no contact list {id} (or it was deleted)");
            else listNames[id] = info.Name;
            lists.Add(new CampaignListRef(id, weight));
        }

        var suppression = (b.SuppressionLists ?? []).Distinct().ToList();
        for (var i = 0; i < suppression.Count; i++)
            if (await grains.GetGrain<ISuppressionListGrain>(suppression[i], tenantId.ToString()).GetAsync() is null)
                errors.Add($"suppressionLists[{i}]", $"this tenant has no suppression list {suppression[i]} (or it was deleted)");
        if (b.DncList is { } dnc && await grains.GetGrain<ISuppressionListGrain>(dnc, tenantId.ToString()).GetAsync() is null)
            errors.Add("dncList", $"this tenant has no suppression list {dnc} (or it was deleted)");

        if (b.RuleSetId is { } rs && await ruleSets.EvaluatorAsync(tenantId, rs, ct) is null)
            errors.Add("ruleSetId", $"this tenant has no rule set \"{rs}\"");

        var mode = DialingMode.Progressive;
        if (b.DialingMode is not null && !DialingModes.TryParse(b.DialingMode, out mode))
            errors.Add("dialingMode", $"\"{b.DialingMode}\" is not a dialing mode; use preview, progressive, predictive, power or agentless");

        var sorts = new List<SortField>();
        var sortGiven = b.SortFields ?? [];
        if (sortGiven.Count > MaxSortFields) errors.Add("sortFields", $"{sortGiven.Count} sort fields; at most {MaxSortFields}");
        for (var i = 0; i < sortGiven.Count; i++)
        {
            var s = sortGiven[i];
            var at = $"sortFields[{i}]";
            if (s?.Field is not { } f || !FieldName().IsMatch(f)) { errors.Add(at + ".field", "is required: a standard field, a custom field name, attempts or imported_at"); continue; }
            if (s.Direction is not (null or "asc" or "desc")) errors.Add(at + ".direction", "use asc or desc");
            sorts.Add(new SortField(f, s.Direction == "desc"));
        }

        var priority = b.Priority ?? 5;
        if (priority is < 1 or > 10) errors.Add("priority", "must be between 1 (lowest) and 10 (highest)");

        if (b.Filter is { } filter)
        {
            SelectionRules.Validate(filter, "filter", (f, m) => errors.Add(f, m));
            CheckFieldNames(filter, "filter", errors);
        }

        var strategy = Strategy(b.ContactStrategy, errors);

        IReadOnlyList<string> order = StandardFields.Phones;
        IReadOnlyList<DeviceType> types = [DeviceType.Unknown, DeviceType.Mobile, DeviceType.Landline, DeviceType.Voip, DeviceType.TollFree];
        if (b.Devices is { } dev)
        {
            if (dev.Order is { } o)
            {
                if (o.Count is 0 or > StandardFields.MaxPhones) errors.Add("devices.order", $"name 1 to {StandardFields.MaxPhones} phone slots (phone1..phone10)");
                for (var i = 0; i < o.Count; i++)
                    if (StandardFields.PhoneSlot(o[i]) == 0) errors.Add($"devices.order[{i}]", $"\"{o[i]}\" is not a phone slot; use phone1..phone10");
                if (o.Distinct().Count() != o.Count) errors.Add("devices.order", "names a slot twice");
                order = o.ToList();
            }
            if (dev.Types is { } t)
            {
                var parsed = new List<DeviceType>();
                for (var i = 0; i < t.Count; i++)
                    if (DeviceTypes.TryParse(t[i], out var dt)) parsed.Add(dt);
                    else errors.Add($"devices.types[{i}]", $"\"{t[i]}\" is not a device type; use mobile, landline, voip, toll-free or unknown");
                if (t.Count == 0) errors.Add("devices.types", "enable at least one device type");
                types = parsed.Distinct().ToList();
            }
        }

        CallingHours? hours = null;
        if (b.CallingHours is { } h)
        {
            var from = Time(h.From, "callingHours.from", errors);
            var till = Time(h.Till, "callingHours.till", errors);
            if (from is { } f && till is { } t)
            {
                if (t <= f) errors.Add("callingHours.till", "must be after from (a window that crosses midnight is not allowed)");
                else hours = new CallingHours(f, t);
            }
        }

        if (b.CallerId is { } cid && !E164().IsMatch(cid)) errors.Add("callerId", $"\"{cid}\" is not an E.164 number (+ then 7 to 15 digits)");
        var maxAttempts = b.MaxAttempts ?? 10;
        if (maxAttempts is < 1 or > 1000) errors.Add("maxAttempts", "must be between 1 and 1000");
        var lease = b.LeaseSeconds ?? 300;
        if (lease is < 10 or > MaxLeaseSeconds) errors.Add("leaseSeconds", $"must be between 10 and {MaxLeaseSeconds}");
        var abandon = b.AbandonTarget ?? 0.03;
        if (abandon is < 0 or > 0.5 || double.IsNaN(abandon)) errors.Add("abandonTarget", "is a fraction between 0 and 0.5 (0.03 is 3 %)");

        CallPurpose? purpose = null;
        if (b.Purpose is { } pu)
        {
            if (CallPurposes.TryParse(pu, out var parsedPurpose)) purpose = parsedPurpose;
            else errors.Add("purpose", $"\"{pu}\" is not a call purpose; use sales, debt-collection or informational (leave it out and every rule applies)");
        }

        var (channel, templateId, gatewayId, perSecond, templatePurpose, customFields) = await MessagingAsync(b, tenantId, errors, ct);
        purpose ??= templatePurpose;
        // A custom field the template reads but a list lacks would go out blank to every contact of that list.
        foreach (var (listId, listName) in listNames)
            foreach (var missing in await listStore.MissingCustomFieldsAsync(listId, customFields, ct))
                errors.Add("templateId", $"the template reads custom.{missing}, and no record of contact list \"{listName}\" has that field; import it or change the template");

        if (errors.Any) return null;
        return new CampaignDefinition
        {
            Channel = channel, TemplateId = templateId, GatewayId = gatewayId, MessagesPerSecond = perSecond,
            Name = name, Description = b.Description, ContactLists = lists, SuppressionLists = suppression, RuleSetId = b.RuleSetId,
            DialingMode = mode, SortFields = sorts, Priority = priority, Filter = b.Filter, ContactStrategy = strategy!,
            DeviceOrder = order, DeviceTypes = types, CallingHours = hours, CallerId = b.CallerId, MaxAttempts = maxAttempts,
            DncList = b.DncList, LeaseSeconds = lease, AbandonTarget = abandon, Purpose = purpose,
        };
    }

    /// <summary>
    /// The channel and, for sms and email, the template (of that channel; the campaign's purpose must be the
    /// template's, and is taken from it when not given), the gateway (kannel for sms, smtp for email) and the rate.
    /// </summary>
    private async Task<(Channel Channel, Guid? TemplateId, Guid? GatewayId, int PerSecond, CallPurpose? TemplatePurpose, IReadOnlySet<string> CustomFields)> MessagingAsync(
        CampaignRequest b, Guid tenantId, FieldErrors errors, CancellationToken ct)
    {
        var channel = Channel.Voice;
        if (b.Channel is { } c && !Channels.TryParse(c, out channel)) errors.Add("channel", $"\"{c}\" is not a channel; use voice, sms or email");
        var perSecond = b.MessagesPerSecond ?? 20;
        if (channel == Channel.Voice)
        {
            if (b.TemplateId is not null) errors.Add("templateId", "a voice campaign sends no messages; set channel to sms or email");
            if (b.GatewayId is not null) errors.Add("gatewayId", "a voice campaign sends no messages; set channel to sms or email");
            return (channel, null, null, perSecond, null, new HashSet<string>());
        }
        if (perSecond is < 1 or > MaxMessagesPerSecond) errors.Add("messagesPerSecond", $"must be between 1 and {MaxMessagesPerSecond}");
        CallPurpose? templatePurpose = null;
        IReadOnlySet<string> customFields = new HashSet<string>();
        if (b.TemplateId is not { } templateId) errors.Add("templateId", $"is required for an {channel.ToWire()} campaign: the message template");
        else if (await templates.GetAsync(tenantId, templateId, ct) is not { } t) errors.Add("templateId", $"this tenant has no message template {templateId}");
        else
        {
            templatePurpose = t.Purpose;
            customFields = t.Parsed().CustomFields;
            if (t.Channel != channel) errors.Add("templateId", $"template \"{t.Name}\" is an {t.Channel.ToWire()} template; this campaign sends {channel.ToWire()}");
            if (b.Purpose is { } p && CallPurposes.TryParse(p, out var purpose) && purpose != t.Purpose)
                errors.Add("purpose", $"the template \"{t.Name}\" is for {t.Purpose.ToWire()} messages; the campaign's purpose must be the same");
        }
        var kind = channel == Channel.Sms ? "kannel" : "smtp";
        if (b.GatewayId is not { } gatewayId) errors.Add("gatewayId", $"is required for an {channel.ToWire()} campaign: a {kind} gateway");
        else if (await gateways.GetAsync(tenantId, gatewayId, ct) is not { } g) errors.Add("gatewayId", $"this tenant has no messaging gateway {gatewayId}");
        else if (g.Kind != kind) errors.Add("gatewayId", $"gateway \"{g.Name}\" is {g.Kind}; {channel.ToWire()} goes through a {kind} gateway");
        return (channel, b.TemplateId, b.GatewayId, perSecond, templatePurpose, customFields);
    }

    private static ContactStrategy? Strategy(CampaignRequest.Strategy? s, FieldErrors errors)
    {
        var rules = new List<StrategyRule>();
        var given = s?.Rules ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            var r = given[i];
            var at = $"contactStrategy.rules[{i}]";
            if (r is null) { errors.Add(at, "is null"); continue; }
            var bad = false;
            void Bad(string f, string m) { errors.Add($"{at}.{f}", m); bad = true; }
            if (!CallResults.TryParse(r.Result, out var result)) Bad("result", $"\"{r.Result}\" is not a call result; use {string.Join(", ", CallResults.WireNames)}");
            if (!ContactStrategies.TryParse(r.Action, out var action)) Bad("action", $"\"{r.Action}\" is not an action; use retry, next-device, done, suppress or same-as");
            if (r.DelayMinutes is < 0) Bad("delayMinutes", "cannot be negative");
            else if (r.DelayMinutes > ContactStrategies.MaxDelayMinutes) Bad("delayMinutes", $"at most {ContactStrategies.MaxDelayMinutes} (30 days)");
            if (r.IncrementMinutes is < 0) Bad("incrementMinutes", "cannot be negative");
            else if (r.IncrementMinutes > ContactStrategies.MaxDelayMinutes) Bad("incrementMinutes", $"at most {ContactStrategies.MaxDelayMinutes} (30 days)");
            if (r.MaxRetries is < 0 or > ContactStrategies.MaxRetriesAllowed) Bad("maxRetries", $"must be between 0 and {ContactStrategies.MaxRetriesAllowed}");
            var then = StrategyAction.NextDevice;
            if (r.Then is not null && (!ContactStrategies.TryParse(r.Then, out then) || then is not (StrategyAction.NextDevice or StrategyAction.Done)))
                Bad("then", "what follows the last retry: next-device or done");
            CallResult? sameAs = null;
            if (action == StrategyAction.SameAs)
            {
                if (!CallResults.TryParse(r.SameAs, out var target)) Bad("sameAs", $"name the call result whose treatment to share; \"{r.SameAs}\" is not one");
                else sameAs = target;
            }
            else if (r.SameAs is not null) Bad("sameAs", "only goes with the action same-as");
            if (action == StrategyAction.Retry && r.DelayMinutes is null) Bad("delayMinutes", "a retry needs a delay (0 or more minutes)");
            if (!bad && result == CallResult.DncRequest && action != StrategyAction.Suppress)
                Bad("action", "a do-not-call request is always honoured: its action can only be suppress");
            if (!bad && rules.Any(x => x.Result == result)) Bad("result", $"\"{r.Result}\" has more than one rule");
            if (bad) continue;
            rules.Add(new StrategyRule
            {
                Result = result, Action = action, DelayMinutes = r.DelayMinutes ?? 0, IncrementMinutes = r.IncrementMinutes ?? 0,
                MaxRetries = r.MaxRetries ?? (action == StrategyAction.Retry ? 3 : 0), Then = then, SameAs = sameAs,
            });
        }
        if (ContactStrategies.FindCycle(rules) is { } cycle)
            errors.Add("contactStrategy.rules", $"\"same-as\" goes round in a cycle: {string.Join(" → ", cycle.Select(c => c.ToWire()))}");
        return new ContactStrategy { Rules = rules };
    }

    private static void CheckFieldNames(SelectionRule rule, string path, FieldErrors errors)
    {
        if (rule.All is { } all) for (var i = 0; i < all.Count; i++) CheckFieldNames(all[i], $"{path}.all[{i}]", errors);
        if (rule.Any is { } any) for (var i = 0; i < any.Count; i++) CheckFieldNames(any[i], $"{path}.any[{i}]", errors);
        if (rule.Field is { } f && !FieldName().IsMatch(f)) errors.Add(path + ".field", $"\"{f}\" is not a field name (letters, digits and _)");
    }

    private static TimeSpan? Time(string? s, string field, FieldErrors errors)
    {
        if (s is null) { errors.Add(field, "is required (HH:mm)"); return null; }
        if (s == "24:00") return TimeSpan.FromHours(24);
        if (TimeOnly.TryParseExact(s, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t.ToTimeSpan();
        errors.Add(field, $"\"{s}\" is not a time of day (HH:mm, 00:00 to 24:00)");
        return null;
    }
}
