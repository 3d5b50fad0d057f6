using System.Globalization;

namespace CxContact.Server.Suppression;

/// <summary>
/// A large set of NANP numbers held as their area code's bitmap offsets (4 bytes a number), for bulk loads: an
/// import or a rebuild collects its plain entries here instead of sending them one by one, then writes each area
/// code's bitmap to Redis in one command and the numbers to PostgreSQL already sorted and without duplicates.
/// </summary>
public sealed class NanpNumbers
{
    /// <summary>Bits in one area code's bitmap: the seven digits after the area code.</summary>
    public const int BitmapBits = 10_000_000;
    public const int BitmapBytes = BitmapBits / 8;

    // Indexed by area code (0-999); null until the first number of that area code.
    private readonly Offsets?[] _byNpa = new Offsets?[1000];
    private bool _sealed;

    private sealed class Offsets
    {
        public int[] Items = new int[256];
        public int Count;
    }

    /// <summary>Adds a number given as E.164 ("+1" and ten digits, see <see cref="SuppressionIndex.IsNanp"/>).</summary>
    public void Add(string e164)
    {
        if (_sealed) throw new InvalidOperationException("The numbers were already sorted for writing.");
        var npa = (e164[2] - '0') * 100 + (e164[3] - '0') * 10 + (e164[4] - '0');
        var o = _byNpa[npa] ??= new Offsets();
        if (o.Count == o.Items.Length) Array.Resize(ref o.Items, o.Items.Length * 2);
        o.Items[o.Count++] = (int)SuppressionIndex.Offset(e164);
    }

    /// <summary>
    /// Sorts each area code's numbers, drops repeats and the numbers <paramref name="without"/> names (given as the
    /// ten national digits), and returns how many numbers are left. Nothing can be added afterwards.
    /// </summary>
    public long Seal(IReadOnlySet<long>? without = null)
    {
        _sealed = true;
        long total = 0;
        for (var npa = 0; npa < 1000; npa++)
        {
            if (_byNpa[npa] is not { } o) continue;
            var span = o.Items.AsSpan(0, o.Count);
            span.Sort();
            var kept = 0;
            for (var i = 0; i < span.Length; i++)
            {
                if (kept > 0 && span[kept - 1] == span[i]) continue;
                if (without is { Count: > 0 } && without.Contains(npa * 10_000_000L + span[i])) continue;
                span[kept++] = span[i];
            }
            o.Count = kept;
            if (kept == 0) _byNpa[npa] = null;
            total += kept;
        }
        return total;
    }

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var o in _byNpa) n += o?.Count ?? 0;
            return n;
        }
    }

    /// <summary>The area codes that hold numbers, in order, as three digits.</summary>
    public IEnumerable<string> AreaCodes()
    {
        for (var npa = 0; npa < 1000; npa++)
            if (_byNpa[npa] is not null) yield return npa.ToString("000", CultureInfo.InvariantCulture);
    }

    /// <summary>An area code's offsets (sorted once sealed).</summary>
    public ReadOnlySpan<int> OffsetsOf(string npa) =>
        _byNpa[int.Parse(npa, CultureInfo.InvariantCulture)] is { } o ? o.Items.AsSpan(0, o.Count) : [];

    /// <summary>
    /// Fills <paramref name="bitmap"/> (<see cref="BitmapBytes"/> long) with an area code's numbers, laid out as
    /// Redis SETBIT lays bits out: offset 0 is the most significant bit of the first byte.
    /// </summary>
    public void FillBitmap(string npa, byte[] bitmap)
    {
        Array.Clear(bitmap);
        foreach (var offset in OffsetsOf(npa)) bitmap[offset >> 3] |= (byte)(0x80 >> (offset & 7));
    }

    /// <summary>Every number as E.164, sorted (area code, then the rest: the same order as the strings).</summary>
    public IEnumerable<string> E164s()
    {
        for (var npa = 0; npa < 1000; npa++)
        {
            if (_byNpa[npa] is not { } o) continue;
            var prefix = "+1" + npa.ToString("000", CultureInfo.InvariantCulture);
            for (var i = 0; i < o.Count; i++) yield return prefix + o.Items[i].ToString("0000000", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The ten national digits of a NANP E.164 number, as a number (the key of a set of numbers to leave out).</summary>
    public static long National(string e164) => long.Parse(e164.AsSpan(2), CultureInfo.InvariantCulture);
}
