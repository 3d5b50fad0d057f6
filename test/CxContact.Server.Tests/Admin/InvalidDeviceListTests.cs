using Bunit;
using CxContact.Admin.Api.Models;
using CxContact.Admin.Shared;
using MudBlazor.Services;

namespace CxContact.Server.Tests.Admin;

/// <summary>
/// A record's invalid devices (bUnit): each is one warning reading "field 'value': reason", a phone's and an email's
/// reason read alike (the email's leading "is" goes), and a record without any shows nothing.
/// </summary>
public sealed class InvalidDeviceListTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public InvalidDeviceListTests()
    {
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    [Fact]
    public void Each_invalid_device_is_a_warning_with_field_value_and_reason()
    {
        List<InvalidDevice> devices =
        [
            new() { Field = "phone2", Value = "12345", Reason = "not a valid number for DE" },
            new() { Field = "email1", Value = "nope@", Reason = "is not an email address" },
        ];
        var cut = _ctx.Render<InvalidDeviceList>(p => p.Add(x => x.Devices, devices));
        var items = cut.FindAll("[data-testid=invalid-devices] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(["phone2 '12345': not a valid number for DE", "email1 'nope@': not an email address"], items);
        Assert.All(cut.FindAll("svg"), svg => Assert.Equal("true", svg.GetAttribute("aria-hidden")));
    }

    [Fact]
    public void A_record_without_invalid_devices_shows_nothing()
    {
        Assert.Empty(_ctx.Render<InvalidDeviceList>(p => p.Add(x => x.Devices, new List<InvalidDevice>())).Markup.Trim());
        Assert.Empty(_ctx.Render<InvalidDeviceList>().Markup.Trim());
    }
}
