using CxContact.Core.Compliance;
using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Compliance.Law;

/// <summary>
/// The shipped rules against the law, beyond hours: counting a person across all of their numbers, the gaps a result
/// imposes, and consent by device and by kind of call. Each case names the section it reads; the expected answers come
/// from the statute's words, not from default-rules.json.
/// </summary>
public sealed class CountsGapsAndConsentByLawTests
{
    private static readonly ComplianceEvaluator Shipped = Statute.Shipped;

    private static ComplianceInput Call(string jurisdiction, string zone, string local, CallPurpose purpose = CallPurpose.Sales,
        DialingMode mode = DialingMode.Preview, DeviceType device = DeviceType.Landline) => new()
    {
        At = Inputs.Local(local, zone),
        Channel = Channel.Voice,
        DialingMode = mode,
        Purpose = purpose,
        Country = jurisdiction.Split('-')[0],
        Region = jurisdiction.Contains('-') ? jurisdiction.Split('-')[1] : null,
        TimeZones = [zone],
        DeviceType = device,
        AutodialMobileConsent = true, WrittenSalesConsent = true, AutomatedConsent = true,
    };

    /// <summary>A person's earlier attempts on two numbers: the contact's window holds all, the number called only its own.</summary>
    private static ComplianceInput TwoNumbers(ComplianceInput call, string zone, params string[] locals)
    {
        var all = locals.Select((l, i) => new AttemptRecord(Inputs.Local(l, zone), "no-answer", null, $"attempt-{i}")).ToArray();
        return call with { ContactAttempts = all, PhoneAttempts = all.Where((_, i) => i % 2 == 1).ToArray() };
    }

    [Theory]
    // Fla. Stat. § 501.616(6)(b); 15 O.S. § 775C.3; Md. Com. Law § 14-4502; Or. HB 3865 (2025): 3 calls to a person in 24 h,
    // on whatever number: the fourth, on the person's other number, is denied.
    [InlineData("US-FL", "America/New_York", "Fla. Stat. § 501.616(6)(b)", 3)]
    [InlineData("US-OK", "America/Chicago", "15 O.S. § 775C.3", 3)]
    [InlineData("US-MD", "America/New_York", "Md. Code, Com. Law § 14-4502", 3)]
    [InlineData("US-OR", "America/Los_Angeles", "ORS 646.561-646.565 (2025 Or. HB 3865)", 3)]
    public void A_person_is_counted_across_their_numbers(string jurisdiction, string zone, string section, int max)
    {
        var call = Call(jurisdiction, zone, "2026-06-16 15:00");
        var earlier = Enumerable.Range(0, max).Select(i => $"2026-06-16 {9 + i:00}:00").ToArray();
        var d = Shipped.Evaluate(TwoNumbers(call, zone, earlier));
        Assert.False(d.Allowed, $"{section}: the {max + 1}th call to one person in a day must be denied");
        Assert.Contains(d.Reasons, r => r.Rule.StartsWith(jurisdiction.ToLowerInvariant() + "-", StringComparison.Ordinal) && r.Detail.Contains("person"));
        Assert.True(Shipped.Evaluate(TwoNumbers(call, zone, earlier[..^1])).Allowed, $"{section}: {max} calls are allowed");
        // 24 hours after the first, one frees up.
        Assert.True(Shipped.Evaluate(TwoNumbers(Call(jurisdiction, zone, "2026-06-17 09:00"), zone, earlier)).Allowed, section);
    }

    [Fact]
    public void British_columbia_telemarketers_call_a_person_once_in_30_days()
    {
        // BC Telemarketer Licensing Regulation: a telemarketer may not call the same consumer more than once in 30 days.
        var call = Call("CA-BC", "America/Vancouver", "2026-06-16 12:00");
        Assert.False(Shipped.Evaluate(TwoNumbers(call, "America/Vancouver", "2026-05-20 12:00", "2026-06-01 12:00")).Allowed);
        Assert.True(Shipped.Evaluate(TwoNumbers(call, "America/Vancouver", "2026-05-15 12:00")).Allowed);
    }

    [Fact]
    public void Ontario_collectors_contact_a_debtor_three_times_in_seven_days()
    {
        // R.R.O. 1990, Reg. 74: no more than three contacts in any seven-day period.
        var call = Call("CA-ON", "America/Toronto", "2026-06-16 12:00", CallPurpose.DebtCollection);
        Assert.False(Shipped.Evaluate(TwoNumbers(call, "America/Toronto", "2026-06-11 12:00", "2026-06-13 12:00", "2026-06-15 12:00")).Allowed);
        Assert.True(Shipped.Evaluate(TwoNumbers(call, "America/Toronto", "2026-06-08 12:00", "2026-06-13 12:00", "2026-06-15 12:00")).Allowed);
        // A sales call is not a collection contact.
        Assert.True(Shipped.Evaluate(TwoNumbers(call with { Purpose = CallPurpose.Sales }, "America/Toronto",
            "2026-06-11 12:00", "2026-06-13 12:00", "2026-06-15 12:00")).Allowed);
    }

    [Fact]
    public void Reg_f_7_days_after_a_conversation_ships_off_and_holds_debt_calls_when_on()
    {
        // 12 CFR 1006.14(b)(2)(i)(B): a debt collector is presumed to harass by calling within 7 days after a conversation.
        var call = Call("US-NY", "America/New_York", "2026-06-16 12:00", CallPurpose.DebtCollection) with
        {
            ContactAttempts = [new AttemptRecord(Inputs.Local("2026-06-12 12:00", "America/New_York"), "answered", null, "a")],
        };
        Assert.True(Shipped.Evaluate(call).Allowed);
        var on = new ComplianceEvaluator(RuleSets.Override(RuleSets.Default, RuleSets.Parse("""
            { "id": "collections", "version": 1, "name": "collections",
              "minimumGaps": [ { "id": "us-cfpb-regf-7-days-after-conversation", "citation": "12 CFR 1006.14(b)(2)(i)(B)", "effectiveFrom": "2021-11-30",
                                 "country": "US", "covers": { "purposes": ["debt-collection"] }, "afterResults": ["answered"], "gap": "P7D", "per": "person" } ] }
            """)));
        var d = on.Evaluate(call);
        Assert.False(d.Allowed);
        Assert.Equal(Inputs.Local("2026-06-19 12:00", "America/New_York"), d.NextAllowedAt);
        Assert.True(on.Evaluate(call with { Purpose = CallPurpose.Sales }).Allowed);
    }

    [Fact]
    public void Ofcom_after_an_answering_machine_the_same_number_only_with_a_live_agent_for_24_hours()
    {
        // Ofcom persistent-misuse policy: after an AMD-detected answer machine, a repeat call in 24 h only with a live operator.
        var machine = new AttemptRecord(Inputs.Local("2026-06-16 10:00", "Europe/London"), "answering-machine", null, "a");
        var call = Call("GB", "Europe/London", "2026-06-16 18:00", mode: DialingMode.Predictive) with { PhoneAttempts = [machine] };
        Assert.False(Shipped.Evaluate(call).Allowed);
        Assert.True(Shipped.Evaluate(call with { DialingMode = DialingMode.Progressive }).Allowed);
        Assert.True(Shipped.Evaluate(call with { At = Inputs.Local("2026-06-17 10:00", "Europe/London") }).Allowed);
    }

    [Fact]
    public void Nevada_no_recorded_call_back_after_the_person_hangs_up()
    {
        // NRS 597.814: a dialing-announcing device may not call back a number whose subscriber hung up.
        var hungUp = new AttemptRecord(Inputs.Local("2026-06-16 10:00", "America/Los_Angeles"), "hung-up", null, "a");
        var call = Call("US-NV", "America/Los_Angeles", "2026-06-18 12:00", mode: DialingMode.Agentless) with { PhoneAttempts = [hungUp] };
        Assert.False(Shipped.Evaluate(call).Allowed);
        Assert.True(Shipped.Evaluate(call with { DialingMode = DialingMode.Preview }).Allowed);
    }

    [Theory]
    // Fla. Stat. § 501.059(8)(a); 15 O.S. § 775C.4; Md. Com. Law § 14-4503: an automated sales call to ANY device needs prior
    // express written consent; a live one does not, nor a debt collection call.
    [InlineData("US-FL", "America/New_York")]
    [InlineData("US-OK", "America/Chicago")]
    [InlineData("US-MD", "America/New_York")]
    public void Automated_sales_calls_to_any_device_need_written_consent(string jurisdiction, string zone)
    {
        var call = Call(jurisdiction, zone, "2026-06-16 12:00", mode: DialingMode.Predictive) with { WrittenSalesConsent = null, AutomatedConsent = null };
        var d = Shipped.Evaluate(call);
        Assert.False(d.Allowed);
        Assert.Contains(d.Reasons, r => r.Rule.StartsWith(jurisdiction.ToLowerInvariant() + "-", StringComparison.Ordinal) && r.Detail.Contains("writtenSales"));
        Assert.Null(d.NextAllowedAt);
        Assert.True(Shipped.Evaluate(call with { WrittenSalesConsent = true }).Allowed);
        Assert.True(Shipped.Evaluate(call with { DialingMode = DialingMode.Preview }).Allowed);
        Assert.True(Shipped.Evaluate(call with { Purpose = CallPurpose.DebtCollection }).Allowed);
    }

    [Fact]
    public void Federal_autodialed_sales_calls_to_a_mobile_need_written_consent_and_other_autodialed_calls_prior_consent()
    {
        // 47 CFR 64.1200(a)(2): telemarketing by ATDS or prerecorded voice to a wireless number: prior express written consent.
        // 64.1200(a)(1)(iii): any other autodialed call to a wireless number: prior express consent.
        var sales = Call("US-NY", "America/New_York", "2026-06-16 12:00", mode: DialingMode.Predictive, device: DeviceType.Mobile) with
        {
            WrittenSalesConsent = null, AutodialMobileConsent = null, AutomatedConsent = null,
        };
        Assert.Contains(Shipped.Evaluate(sales).Reasons, r => r.Detail.Contains("writtenSales"));
        Assert.True(Shipped.Evaluate(sales with { WrittenSalesConsent = true }).Allowed);
        var reminder = sales with { Purpose = CallPurpose.Informational };
        Assert.Contains(Shipped.Evaluate(reminder).Reasons, r => r.Detail.Contains("autodialMobile"));
        Assert.True(Shipped.Evaluate(reminder with { AutodialMobileConsent = true }).Allowed);
        // A landline call placed by a person needs neither.
        Assert.True(Shipped.Evaluate(sales with { DeviceType = DeviceType.Landline, DialingMode = DialingMode.Preview }).Allowed);
    }
}
