using System.Collections.ObjectModel;

namespace CxContact.Core.Geography;

/// <summary>
/// US ZIP → <see cref="PostalLocation"/>, read once from the embedded <c>us-zip.bin</c> that
/// <c>eng/refdata/generate-postal.mjs</c> writes (its rules and sources: <c>us-zip.ATTRIBUTION.md</c>).
/// </summary>
/// <remarks>
/// Format (change it only together with the generator): "CXZP", version byte; region count, then each region as
/// length byte + ASCII; zone count, then each zone likewise; location count, then each location as region index,
/// zone count, zone indexes (all bytes); then one byte per ZIP 00000-99999, 0 for none, otherwise 1 + location
/// index. One byte per possible ZIP keeps a lookup to one array read, at 100 KB that are needed anyway.
/// </remarks>
internal sealed class UsZipTable
{
    internal const string ResourceName = "CxContact.Core.Geography.us-zip.bin";
    private const int ZipCount = 100_000;
    private const byte FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "CXZP"u8;

    private static readonly Lazy<UsZipTable> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly byte[] _locationByZip;
    private readonly PostalLocation[] _locations;

    private UsZipTable(byte[] locationByZip, PostalLocation[] locations)
    {
        _locationByZip = locationByZip;
        _locations = locations;
    }

    internal static UsZipTable Instance => Shared.Value;

    /// <param name="zip">The 5-digit ZIP as a number, 0-99999.</param>
    internal PostalLocation? Find(int zip)
    {
        var entry = _locationByZip[zip];
        return entry == 0 ? null : _locations[entry - 1];
    }

    private static UsZipTable Load()
    {
        using var stream = typeof(UsZipTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from CxContact.Core.");
        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        return Parse(data);
    }

    internal static UsZipTable Parse(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        if (!reader.Take(Magic.Length).SequenceEqual(Magic) || reader.Byte() != FormatVersion)
        {
            throw new InvalidDataException($"{ResourceName} has an unknown header; regenerate it with eng/refdata.");
        }

        var regions = new string[reader.Byte()];
        for (var i = 0; i < regions.Length; i++)
        {
            regions[i] = reader.Ascii();
        }
        var zones = new string[reader.Byte()];
        for (var i = 0; i < zones.Length; i++)
        {
            zones[i] = reader.Ascii();
        }
        var locations = new PostalLocation[reader.Byte()];
        for (var i = 0; i < locations.Length; i++)
        {
            var region = regions[reader.Byte()];
            var candidates = new string[reader.Byte()];
            if (candidates.Length == 0)
            {
                throw new InvalidDataException($"{ResourceName}: location {i} has no zone.");
            }
            for (var z = 0; z < candidates.Length; z++)
            {
                candidates[z] = zones[reader.Byte()];
            }
            locations[i] = new PostalLocation("US", region, new ReadOnlyCollection<string>(candidates));
        }

        var locationByZip = reader.Take(ZipCount).ToArray();
        if (!reader.AtEnd)
        {
            throw new InvalidDataException($"{ResourceName} has trailing bytes.");
        }
        foreach (var entry in locationByZip)
        {
            if (entry > locations.Length)
            {
                throw new InvalidDataException($"{ResourceName}: a ZIP points at location {entry - 1} of {locations.Length}.");
            }
        }
        return new UsZipTable(locationByZip, locations);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public byte Byte() => Take(1)[0];

        public string Ascii() => System.Text.Encoding.ASCII.GetString(Take(Byte()));

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - _position)
            {
                throw new InvalidDataException($"{ResourceName} is truncated.");
            }
            var slice = _data.Slice(_position, count);
            _position += count;
            return slice;
        }
    }
}
