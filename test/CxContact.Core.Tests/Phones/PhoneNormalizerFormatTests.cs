using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Phones;

public sealed class PhoneNormalizerFormatTests
{
    private readonly PhoneNormalizer _normalizer = new();

    [Theory]
    [InlineData("+1 (415) 555-2671")]
    [InlineData("415.555.2671")]
    [InlineData("1-415-555-2671")]
    [InlineData("(415) 555-2671")]
    [InlineData("4155552671")]
    [InlineData("+14155552671")]
    [InlineData("  415 555 2671  ")]
    [InlineData("415/555/2671")] // not a fast-path separator, so libphonenumber reads it
    [InlineData("+1 415 555 2671 x123")] // the extension is dropped: E.164 cannot carry it
    public void Common_US_formats_give_the_same_number(string raw)
    {
        var result = _normalizer.Normalize(raw, "US");

        Assert.True(result.Ok, result.Error);
        Assert.Null(result.Error);
        Assert.Equal(new PhoneInfo("+14155552671", DeviceType.Unknown, "US", "CA", ["America/Los_Angeles"], 415), result.Phone);
    }

    [Theory]
    [InlineData("0044 20 7946 0000", "GB")]
    [InlineData("020 7946 0000", "GB")]
    [InlineData("+44 20 7946 0000", "US")]
    [InlineData("011 44 20 7946 0000", "US")] // the US international prefix
    [InlineData("+44 (0)20 7946 0000", "US")]
    [InlineData("+44 20 7946 0000", "")] // with a + the default country does not matter
    public void UK_numbers_with_national_and_international_prefixes(string raw, string defaultCountry)
    {
        var result = _normalizer.Normalize(raw, defaultCountry);

        Assert.True(result.Ok, result.Error);
        Assert.Equal(new PhoneInfo("+442079460000", DeviceType.Landline, "GB", null, ["Europe/London"], null), result.Phone);
    }

    [Fact]
    public void Double_zero_is_not_an_international_prefix_from_the_US()
    {
        // libphonenumber applies the default country's IDD (011 for the US), so this is a 15-digit US national number.
        Assert.Equal("too long", _normalizer.Normalize("0044 20 7946 0000", "US").Error);
    }

    [Theory]
    [InlineData("us")]
    [InlineData(" US ")]
    [InlineData("CA")]
    [InlineData("JM")]
    public void Any_NANP_default_country_reads_ten_digits_as_NANP(string defaultCountry)
    {
        Assert.Equal("+14155552671", _normalizer.Normalize("(415) 555-2671", defaultCountry).Phone?.E164);
    }

    [Theory]
    [InlineData("+1 (415) 555-2671")]
    [InlineData("+14155552671")]
    public void A_plus_one_number_is_NANP_whatever_the_default(string raw)
    {
        Assert.Equal("+14155552671", _normalizer.Normalize(raw, "GB").Phone?.E164);
    }

    [Fact]
    public void Without_a_NANP_default_ten_digits_belong_to_the_default_country()
    {
        Assert.Equal("not a valid number for GB", _normalizer.Normalize("4155552671", "GB").Error);
    }

    [Theory]
    [InlineData("415 555 267", "too short")]
    [InlineData("555-2671", "too short")] // a local number without its area code
    [InlineData("+1 310 1234", "too short")]
    [InlineData("41555526711", "too long")]
    [InlineData("415 555 2671 23", "too long")]
    [InlineData("415 123 4567", "not a valid number for US")] // exchange codes cannot start with 1
    [InlineData("1 415 023 4567", "not a valid number for US")]
    [InlineData("416 123 4567", "not a valid number for CA")]
    [InlineData("0415552671", "unassigned area code 041")]
    [InlineData("000 555 1234", "unassigned area code 000")]
    [InlineData("111 555 1234", "unassigned area code 111")]
    [InlineData("999 555 1234", "unassigned area code 999")]
    [InlineData("211 555 1234", "unassigned area code 211")]
    [InlineData("411 555 1234", "unassigned area code 411")]
    [InlineData("911 555 1234", "unassigned area code 911")]
    [InlineData("555 555 1234", "unassigned area code 555")]
    [InlineData("+1 700 234 5678", "unassigned area code 700")]
    [InlineData("+999 1234567", "unknown country code")]
    [InlineData("+800 1234 5678", "international non-geographic numbers are not dialled")]
    [InlineData("+870 773 111 632", "international non-geographic numbers are not dialled")]
    public void Invalid_numbers_say_why(string raw, string error)
    {
        var result = _normalizer.Normalize(raw, "US");

        Assert.False(result.Ok);
        Assert.Null(result.Phone);
        Assert.Equal(error, result.Error);
    }

    [Theory]
    [InlineData("1 900 234 5678", "US")]
    [InlineData("+1 (900) 555-1234", "GB")]
    [InlineData("0909 123 4567", "GB")]
    [InlineData("09098 765432", "GB")]
    [InlineData("+44 870 123 4567", "US")]
    public void Premium_rate_numbers_are_refused(string raw, string defaultCountry)
    {
        Assert.Equal("premium-rate numbers are not dialled", _normalizer.Normalize(raw, defaultCountry).Error);
    }

    [Theory]
    [InlineData("abc", "not a phone number")]
    [InlineData("", "not a phone number")]
    [InlineData("   ", "not a phone number")]
    [InlineData("+", "not a phone number")]
    [InlineData("n/a", "not a phone number")]
    [InlineData("12345678901234567890", "too long")]
    public void Garbage_is_not_a_phone_number(string raw, string error)
    {
        Assert.Equal(error, _normalizer.Normalize(raw, "US").Error);
    }

    [Fact]
    public void Huge_input_is_refused_without_parsing()
    {
        Assert.Equal("too long", _normalizer.Normalize(new string('1', 100_000), "US").Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("XX")]
    public void Without_a_usable_default_country_only_international_numbers_work(string defaultCountry)
    {
        Assert.Equal("no country code and no usable default country", _normalizer.Normalize("4155552671", defaultCountry).Error);
        Assert.Equal("+14155552671", _normalizer.Normalize("+1 415 555 2671", defaultCountry).Phone?.E164);
    }

    [Fact]
    public void Vanity_letters_are_read_as_their_keypad_digits()
    {
        var phone = _normalizer.Normalize("1-800-FLOWERS", "US").Phone;

        Assert.Equal("+18003569377", phone?.E164);
        Assert.Equal(DeviceType.TollFree, phone?.DeviceType);
    }
}
