using CxContact.Core.Compliance;
using static CxContact.Core.Compliance.CallPurpose;
using static CxContact.Core.Compliance.DialingMode;

namespace CxContact.Core.Tests.Compliance.Law;

/// <summary>
/// The shipped rules against the law, jurisdiction by jurisdiction: each table below is typed from the statute's words
/// (the section is in every row's name), not from default-rules.json, so a rule-set change that lets a forbidden call
/// through, or closes a lawful hour, fails here. Hours are for the call named (a live sales call unless said otherwise)
/// and are the hours every law that reaches it allows: the state's, and 47 CFR 64.1200(c)(1) / 16 CFR 310.4(c) in the
/// US (08:00-21:00), or the CRTC Telemarketing Rules in Canada.
/// </summary>
public sealed class CallingHoursByLawTests
{
    private const string Eastern = "America/New_York", Central = "America/Chicago", Mountain = "America/Denver", Pacific = "America/Los_Angeles";
    private const string Federal = "47 CFR 64.1200(c)(1)";

    private static readonly Statute[] Tables =
    [
        // A state that adds no hours of its own: the federal window, every day (checked for each such state below).
        new("US", Eastern, "", Federal, Sales, Preview, "08:00-21:00"),
        // R.I. Gen. Laws § 5-61-2(2), § 5-61-3.6: Mon-Fri 9-18 except a state or federal holiday, Sat 10-17, never Sunday.
        new("US-RI", Eastern, "401", "R.I. Gen. Laws § 5-61-2(2)", Sales, Preview, "09:00-18:00", "10:00-17:00", "closed")
        {
            Holidays =
            [
                ("2026-05-04", "RI Independence Day, § 25-1-1"), ("2027-05-04", "RI Independence Day, § 25-1-1"), ("2028-05-04", "RI Independence Day, § 25-1-1"),
                ("2026-08-10", "Victory Day, § 25-1-1"), ("2027-08-09", "Victory Day, § 25-1-1"), ("2028-08-14", "Victory Day, § 25-1-1"),
                ("2026-11-26", "Thanksgiving, 5 U.S.C. 6103"), ("2027-11-25", "Thanksgiving, 5 U.S.C. 6103"), ("2028-11-23", "Thanksgiving, 5 U.S.C. 6103"),
            ],
        },
        // Fla. Stat. § 501.616(6)(a): 8:00-20:00.
        new("US-FL", Eastern, "305", "Fla. Stat. § 501.616(6)(a)", Sales, Preview, "08:00-20:00"),
        // Tex. Bus. & Com. Code § 301.051: weekdays and Saturday 9-21, Sunday noon-21.
        new("US-TX", Central, "214", "Tex. Bus. & Com. Code § 301.051", Sales, Preview, "09:00-21:00", "09:00-21:00", "12:00-21:00"),
        // Utah Code § 13-25a-103(3): 8-21, never on Sunday or a legal holiday (§ 63G-1-301: Pioneer Day, July 24).
        new("US-UT", Mountain, "801", "Utah Code § 13-25a-103(3)", Sales, Preview, "08:00-21:00", "08:00-21:00", "closed")
        {
            Holidays =
            [
                ("2026-07-24", "Pioneer Day, § 63G-1-301"), ("2027-07-24", "Pioneer Day, § 63G-1-301"), ("2027-07-23", "Pioneer Day observed, § 63G-1-301"),
                ("2028-07-24", "Pioneer Day, § 63G-1-301"), ("2026-12-25", "Christmas, § 63G-1-301"),
            ],
        },
        // La. R.S. 45:811; LPSC General Order R-29617: Mon-Sat 8-20, never on Sunday or a state holiday (La. R.S. 1:55).
        new("US-LA", Central, "504", "La. R.S. 45:811", Sales, Preview, "08:00-20:00", "08:00-20:00", "closed")
        {
            Holidays =
            [
                ("2026-02-17", "Mardi Gras, La. R.S. 1:55"), ("2027-02-09", "Mardi Gras, La. R.S. 1:55"), ("2028-02-29", "Mardi Gras, La. R.S. 1:55"),
                ("2026-04-03", "Good Friday, La. R.S. 1:55"), ("2027-03-26", "Good Friday, La. R.S. 1:55"), ("2028-04-14", "Good Friday, La. R.S. 1:55"),
                ("2028-01-08", "Battle of New Orleans (a Saturday), La. R.S. 1:55"),
            ],
        },
        // 73 P.S. § 2245(a)(1), (a)(10): 8-21, not on a legal holiday (44 P.S. § 11: Good Friday, Flag Day, Election Day; every
        // Saturday afternoon is a half-holiday, read the strict way).
        new("US-PA", Eastern, "215", "73 P.S. § 2245(a)(1), (a)(10)", Sales, Preview, "08:00-21:00", "08:00-12:00", "08:00-21:00")
        {
            Holidays =
            [
                ("2026-04-03", "Good Friday, 44 P.S. § 11"), ("2027-03-26", "Good Friday, 44 P.S. § 11"), ("2028-04-14", "Good Friday, 44 P.S. § 11"),
                ("2026-06-14", "Flag Day (a Sunday), 44 P.S. § 11"), ("2027-06-14", "Flag Day, 44 P.S. § 11"), ("2028-06-14", "Flag Day, 44 P.S. § 11"),
                ("2026-11-03", "Election Day, 44 P.S. § 11"), ("2027-11-02", "Election Day, 44 P.S. § 11"), ("2028-11-07", "Election Day, 44 P.S. § 11"),
            ],
        },
        // Ala. Admin. Code r. 770-X-5-.17: 8-20, never on Sunday or a state holiday (Ala. Code § 1-3-8).
        new("US-AL", Central, "205", "Ala. Admin. Code r. 770-X-5-.17", Sales, Preview, "08:00-20:00", "08:00-20:00", "closed")
        {
            Holidays =
            [
                ("2026-04-27", "Confederate Memorial Day, § 1-3-8"), ("2027-04-26", "Confederate Memorial Day, § 1-3-8"), ("2028-04-24", "Confederate Memorial Day, § 1-3-8"),
                ("2026-06-01", "Jefferson Davis' birthday, § 1-3-8"), ("2027-06-07", "Jefferson Davis' birthday, § 1-3-8"), ("2028-06-05", "Jefferson Davis' birthday, § 1-3-8"),
            ],
        },
        // Miss. Code Ann. § 77-3-723(1): 8-20 Central Standard Time all year (in June, 9-21 by the clock), never on Sunday.
        new("US-MS", Central, "601", "Miss. Code Ann. § 77-3-723(1)", Sales, Preview, "09:00-21:00", "09:00-21:00", "closed"),
        new("US-CT", Eastern, "203", "Conn. Gen. Stat. § 42-288a", Sales, Preview, "09:00-20:00"),
        new("US-KY", Eastern, "502", "KRS 367.46955(16)", Sales, Preview, "10:00-21:00"),
        new("US-MI", Eastern, "313", "MCL 750.540e(1)(f)", Sales, Preview, "09:00-21:00"),
        new("US-MN", Central, "612", "Minn. Stat. § 325E.30", Sales, Preview, "09:00-21:00"),
        new("US-NM", Mountain, "505", "NMSA 1978, § 57-12-22(B)(5)", Sales, Preview, "09:00-21:00"),
        new("US-OK", Central, "405", "15 O.S. § 775C.3", Sales, Preview, "08:00-20:00"),
        new("US-MD", Eastern, "410", "Md. Code, Com. Law § 14-4502", Sales, Preview, "08:00-20:00"),
        new("US-OR", Pacific, "503", "ORS 646.561-646.565 (2025 Or. HB 3865)", Sales, Preview, "08:00-20:00"),
        new("US-WA", Pacific, "206", "RCW 80.36.390", Sales, Preview, "08:00-20:00"),
        new("US-MA", Eastern, "617", "M.G.L. c. 159C § 3", Sales, Preview, "08:00-20:00"),
        // Machine calls, where a state limits them on their own.
        new("US-SD", Central, "605", "SDCL 37-30-28 (autodialed solicitations: weekdays 9-21)", Sales, Predictive, "09:00-21:00", "closed", "closed"),
        new("US-ME", Eastern, "207", "10 M.R.S. § 1498(3) (prerecorded: weekdays 9-17)", Sales, Agentless, "09:00-17:00", "closed", "closed"),
        new("US-NV", Pacific, "702", "NRS 597.814(2)(a) (prerecorded: 9-21)", Sales, Agentless, "09:00-21:00"),
        new("US-SC", Eastern, "803", "S.C. Code § 16-17-446(C)(3) (prerecorded: 8-19)", Sales, Agentless, "08:00-19:00"),
        new("US-WA", Pacific, "206", "RCW 80.36.400(2) (no prerecorded solicitation at all)", Sales, Agentless, "closed", "closed", "closed"),
        // Canada: CRTC Unsolicited Telecommunications Rules, Part III: weekdays 9:00-21:30, weekends 10:00-18:00.
        new("CA", "America/Toronto", "", "CRTC Telemarketing Rules, Part III", Sales, Preview, "09:00-21:30", "10:00-18:00", "10:00-18:00"),
        // British Columbia's telemarketers: the CRTC's hours, and none on a statutory holiday.
        new("CA-BC", "America/Vancouver", "604", "BC Telemarketer Licensing Regulation", Sales, Preview, "09:00-21:30", "10:00-18:00", "10:00-18:00")
        {
            Holidays =
            [
                ("2026-08-03", "British Columbia Day"), ("2027-08-02", "British Columbia Day"), ("2028-08-07", "British Columbia Day"),
                ("2026-05-18", "Victoria Day"), ("2027-05-24", "Victoria Day"), ("2028-05-22", "Victoria Day"),
                ("2028-09-30", "National Day for Truth and Reconciliation (a Saturday)"),
            ],
        },
        // Ontario collectors: R.R.O. 1990, Reg. 74: Mon-Sat 7-21, Sunday 13-17, no holidays.
        new("CA-ON", "America/Toronto", "416", "R.R.O. 1990, Reg. 74", DebtCollection, Preview, "07:00-21:00", "07:00-21:00", "13:00-17:00")
        {
            Holidays =
            [
                ("2026-02-16", "Family Day"), ("2027-02-15", "Family Day"), ("2028-02-21", "Family Day"),
                ("2026-04-06", "Easter Monday"), ("2027-03-29", "Easter Monday"), ("2028-04-17", "Easter Monday"),
            ],
        },
        // Quebec collectors: CQLR c R-2.2: Mon-Sat 8-20, never on Sunday or a holiday.
        new("CA-QC", "America/Toronto", "514", "CQLR c R-2.2", DebtCollection, Preview, "08:00-20:00", "08:00-20:00", "closed")
        {
            Holidays = [("2026-06-24", "Fête nationale"), ("2027-06-24", "Fête nationale"), ("2028-06-24", "Fête nationale (a Saturday)")],
        },
    ];

    // States whose laws add no hours to the federal ones for a live sales call (their research files say what was read).
    private static readonly string[] FederalHoursOnly =
        ["AK", "AZ", "AR", "CA", "CO", "DE", "GA", "ID", "IN", "IA", "KS", "NE", "NH", "NC", "OH", "VT", "WI", "WY", "ME", "NV", "SD", "IL"];

    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var table in Tables)
            foreach (var row in table.Rows())
                data.Add(table.ToString(), $"{row.Local} {(row.Address is null ? "" : "address " + row.Address + " ")}{(row.Allowed ? "allowed" : "denied")}: {row.Why}");
        foreach (var state in FederalHoursOnly)
            foreach (var row in FederalOnly(state).Rows())
                data.Add(FederalOnly(state).ToString(), $"{row.Local} {(row.Address is null ? "" : "address " + row.Address + " ")}{(row.Allowed ? "allowed" : "denied")}: {row.Why}");
        return data;
    }

    private static Statute FederalOnly(string state) => new($"US-{state}", Eastern, "", $"{Federal} (US-{state} adds no hours)", Sales, Preview, "08:00-21:00");

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_shipped_rules_allow_what_the_law_allows_and_nothing_else(string table, string row)
    {
        var statute = Tables.Concat(FederalHoursOnly.Select(FederalOnly)).First(t => t.ToString() == table);
        var r = statute.Rows().First(x => $"{x.Local} {(x.Address is null ? "" : "address " + x.Address + " ")}{(x.Allowed ? "allowed" : "denied")}: {x.Why}" == row);
        var d = statute.Decide(r);
        Assert.True(d.Allowed == r.Allowed, $"{table} at {r.Local}: expected {(r.Allowed ? "allow" : "deny")} ({r.Why}), got {string.Join("; ", d.Reasons.Select(x => $"{x.Rule}: {x.Detail}"))}");
        // A state's own edge (stricter than the national one) is denied by the state's own rule, named.
        if (!r.Allowed && statute.Region is not null && r.Why.StartsWith(statute.Section, StringComparison.Ordinal) && !statute.Section.StartsWith(Federal, StringComparison.Ordinal))
            Assert.Contains(d.Reasons, x => x.Rule.StartsWith(statute.Prefix, StringComparison.Ordinal));
    }
}
