using CxContact.Core.Lists;
using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Lists;

public sealed class SelectionRulesTests
{
    private static ContactRecord Record(string? region = "CA", params (int AreaCode, DeviceType Type, string Zone)[] devices)
    {
        var r = new ContactRecord { Row = 2, ClientId = "C1", Region = region, Custom = new() { ["balance"] = 250m, ["due"] = new DateOnly(2026, 12, 1) } };
        var slot = 1;
        foreach (var (area, type, zone) in devices)
            r.Devices.Add(new ContactDevice(slot++, $"+1{area}5550100", type, [zone], area, region, "US"));
        return r;
    }

    private static SelectionRule When(string field, string op, string? value = null, params string[] values) =>
        new() { Field = field, Op = op, Value = value, Values = values.Length > 0 ? values : null };

    [Theory]
    [InlineData("=", "CA", true)]
    [InlineData("=", "ca", true)]
    [InlineData("!=", "CA", false)]
    [InlineData("starts with", "C", true)]
    [InlineData("contains", "A", true)]
    [InlineData("<", "NY", true)]
    public void Text_comparisons(string op, string value, bool expected) =>
        Assert.Equal(expected, SelectionRules.Matches(When("region", op, value), Record(devices: (415, DeviceType.Mobile, "America/Los_Angeles"))));

    [Fact]
    public void Numbers_and_dates_compare_as_numbers_and_dates()
    {
        var r = Record();
        Assert.True(SelectionRules.Matches(When("balance", ">", "99.5"), r));   // as text "250" < "99.5"
        Assert.False(SelectionRules.Matches(When("balance", "<=", "100"), r));
        Assert.True(SelectionRules.Matches(When("due", ">=", "2026-11-30"), r));
    }

    [Fact]
    public void Device_fields_hold_when_any_device_matches_and_their_negation_when_none_does()
    {
        var r = Record("CA", (415, DeviceType.Mobile, "America/Los_Angeles"), (212, DeviceType.Landline, "America/New_York"));
        Assert.True(SelectionRules.Matches(When("area_code", "=", "212"), r));
        Assert.False(SelectionRules.Matches(When("area_code", "!=", "212"), r));
        Assert.True(SelectionRules.Matches(When("device_type", "in", null, "landline", "voip"), r));
        Assert.False(SelectionRules.Matches(When("device_type", "not in", null, "mobile"), r));
        Assert.True(SelectionRules.Matches(When("tz", "=", "America/New_York"), r));
    }

    [Fact]
    public void Empty_checks_and_groups()
    {
        var none = Record(region: null);
        Assert.True(SelectionRules.Matches(When("region", "is empty"), none));
        Assert.True(SelectionRules.Matches(When("area_code", "is empty"), none));
        Assert.False(SelectionRules.Matches(When("first_name", "is not empty"), none));

        var group = new SelectionRule
        {
            Any = [When("region", "=", "NY"), new SelectionRule { All = [When("client_id", "=", "C1"), When("balance", ">", "100")] }],
        };
        Assert.True(SelectionRules.Matches(group, Record()));
        Assert.False(SelectionRules.Matches(group with { Any = [When("region", "=", "NY")] }, Record()));
    }

    [Fact]
    public void Validation_names_each_problem_by_path()
    {
        var errors = new Dictionary<string, string>();
        SelectionRules.Validate(new SelectionRule
        {
            All = [When("region", "like", "x"), When("region", "in"), new SelectionRule { Any = [] }, When("", "=", "1")],
        }, "spec.selection", (p, m) => errors[p] = m);
        Assert.Contains("spec.selection.all[0].op", errors.Keys);
        Assert.Contains("spec.selection.all[1].values", errors.Keys);
        Assert.Contains("spec.selection.all[2]", errors.Keys);
        Assert.Contains("spec.selection.all[3].field", errors.Keys);
    }
}
