using System.Net;
using System.Text.Json;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Lists;

/// <summary>
/// One unusable phone or email does not lose its contact: the record is kept with that device marked invalid (and
/// why), the error report lists it as a warning, the list counts it as invalid, and no lease ever hands it out. A row
/// with no usable device at all is rejected. The preview says the same before anything is written.
/// </summary>
public sealed class InvalidDeviceTests(CampaignFixture f) : IClassFixture<CampaignFixture>
{
    // Row 2: phone1 bad, phone2 good. Row 3: nothing usable. Row 4: a good phone and a bad email.
    private const string Csv = """
        client_id,phone1,phone2,email1,country,tz
        K1,not a phone,+493010000001,,DE,Europe/Berlin
        K2,123,,,DE,Europe/Berlin
        K3,+493010000003,,nope@,DE,Europe/Berlin
        """;

    [Fact]
    public async Task A_bad_phone1_keeps_the_contact_with_phone1_invalid_and_a_warning_and_only_valid_devices_are_leased()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.Lists.CreateListAsync(new { name = "Invalid devices " + Guid.NewGuid().ToString("N")[..6], spec = new { rejectThresholdPercent = 50 } });

        var preview = await HttpAssert.Json(await c.Lists.PreviewAsync(list, Csv), HttpStatusCode.OK);
        Assert.Equal((3L, 2L, 1L), (preview.GetProperty("rowsRead").GetInt64(), preview.GetProperty("accepted").GetInt64(), preview.GetProperty("rejected").GetInt64()));
        var previewed = preview.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString(), e.GetProperty("severity").GetString())).ToList();
        Assert.Equal([(2, "phone1", "warning"), (3, "phone1", "reject"), (4, "email1", "warning")], previewed);

        var status = await c.Lists.ImportAsync(list, Csv);
        ListClient.Succeeded(status);
        Assert.Equal((2L, 1L), (status.GetProperty("accepted").GetInt64(), status.GetProperty("rejected").GetInt64()));
        var errors = await c.Lists.ErrorsAsync(list, status.GetProperty("id").GetGuid());
        Assert.Equal([("2", "phone1", "warning"), ("3", "phone1", "reject"), ("4", "email1", "warning")], errors.Select(e => (e[0], e[1], e[3])).ToList());
        Assert.Contains("not a phone", errors[0][2]);

        var records = await c.Lists.RecordsAsync(list);
        var k1 = records.Single(r => r.GetProperty("clientId").GetString() == "K1");
        Assert.Equal(["+493010000001"], k1.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("number").GetString()));
        var invalid = Assert.Single(k1.GetProperty("invalidDevices").EnumerateArray());
        Assert.Equal(("phone1", "not a phone"), (invalid.GetProperty("field").GetString(), invalid.GetProperty("value").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(invalid.GetProperty("reason").GetString()));
        var k3 = records.Single(r => r.GetProperty("clientId").GetString() == "K3");
        Assert.Equal("email1", Assert.Single(k3.GetProperty("invalidDevices").EnumerateArray()).GetProperty("field").GetString());
        Assert.DoesNotContain(records, r => r.GetProperty("clientId").GetString() == "K2");
        // ?invalid=true keeps the records that carry an invalid device: here both.
        Assert.Equal(["K1", "K3"], (await c.Lists.RecordsAsync(list, invalidOnly: true)).Select(r => r.GetProperty("clientId").GetString()).Order());

        var counts = await c.Lists.ListAsync(list);
        Assert.Equal((2L, 2L, 2L), (counts.GetProperty("records").GetInt64(), counts.GetProperty("devices").GetInt64(), counts.GetProperty("invalid").GetInt64()));

        var campaign = await c.CreateAsync(list);
        await c.StartAsync(campaign);
        var leased = CampaignClient.Records(await c.LeaseAsync(campaign, 10)).Select(r => r.GetProperty("phone").GetString()).Order().ToList();
        Assert.Equal(["+493010000001", "+493010000003"], leased);
    }

    [Fact]
    public async Task A_required_phone_that_is_invalid_rejects_the_row_even_with_another_valid_phone()
    {
        var c = await CampaignClient.NewTenantAsync(f.Api);
        var list = await c.Lists.CreateListAsync(new { name = "Required " + Guid.NewGuid().ToString("N")[..6], spec = new { required = new[] { "phone1" }, rejectThresholdPercent = 100 } });
        var status = await c.Lists.ImportAsync(list, "client_id,phone1,phone2,country\nR1,not a phone,+493010000001,DE\nR2,+493010000002,,DE\n");
        ListClient.Succeeded(status);
        Assert.Equal((1L, 1L), (status.GetProperty("accepted").GetInt64(), status.GetProperty("rejected").GetInt64()));
        var error = Assert.Single(await c.Lists.ErrorsAsync(list, status.GetProperty("id").GetGuid()));
        Assert.Equal(("2", "phone1", "reject"), (error[0], error[1], error[3]));
        Assert.Equal(0, (await c.Lists.ListAsync(list)).GetProperty("invalid").GetInt64());
        Assert.Equal(JsonValueKind.Array, Assert.Single(await c.Lists.RecordsAsync(list)).GetProperty("invalidDevices").ValueKind);
        Assert.Empty(await c.Lists.RecordsAsync(list, invalidOnly: true));
    }
}
