using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Phones;

public sealed class DeviceTypesTests
{
    [Theory]
    [InlineData("unknown", DeviceType.Unknown)]
    [InlineData("mobile", DeviceType.Mobile)]
    [InlineData("landline", DeviceType.Landline)]
    [InlineData("voip", DeviceType.Voip)]
    [InlineData("toll-free", DeviceType.TollFree)]
    public void Device_types_round_trip_through_their_wire_names(string wire, DeviceType type)
    {
        Assert.Equal(wire, type.ToWire());
        Assert.True(DeviceTypes.TryParse(wire, out var parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData("fixed", DeviceType.Landline)]
    [InlineData("fixed-line", DeviceType.Landline)]
    [InlineData("Fixed_Line", DeviceType.Landline)]
    [InlineData("cell", DeviceType.Mobile)]
    [InlineData("wireless", DeviceType.Mobile)]
    [InlineData(" MOBILE ", DeviceType.Mobile)]
    [InlineData("toll free", DeviceType.TollFree)]
    public void Synonyms_parse(string wire, DeviceType type)
    {
        Assert.True(DeviceTypes.TryParse(wire, out var parsed));
        Assert.Equal(type, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("pager")]
    [InlineData("mobile phone number of the customer")]
    public void Anything_else_does_not_parse(string? wire) => Assert.False(DeviceTypes.TryParse(wire, out _));

    [Fact]
    public void An_undefined_value_has_no_wire_name() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DeviceType)42).ToWire());
}
