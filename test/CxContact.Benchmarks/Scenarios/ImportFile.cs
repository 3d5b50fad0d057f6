using System.Globalization;
using System.Text;

namespace CxContact.Benchmarks.Scenarios;

/// <summary>
/// Writes the import benchmark's file: 12 columns (client id, names, two phones, an email, a ZIP code and custom
/// fields), with about 1 % bad rows (a phone that is too short, or a date that is not one). Deterministic per size.
/// </summary>
public static class ImportFile
{
    public const string Header = "client_id,first_name,last_name,phone1,phone2,email1,postal_code,balance,due,vip,segment,notes";

    // Area codes with their ZIPs' first digits spread over the country, so that zones and regions vary.
    internal static readonly int[] AreaCodes =
    [
        201, 202, 203, 205, 206, 207, 208, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228, 229, 231, 234, 239, 240, 248,
        251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 281, 301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316,
        317, 318, 319, 320, 321, 323, 325, 330, 334, 336, 337, 339, 347, 351, 352, 360, 361, 386, 401, 402, 404, 405, 406, 407, 408,
        409, 410, 412, 413, 414, 415, 417, 419, 423, 425, 432, 434, 435, 440, 443, 469, 478, 479, 480, 484, 501, 502, 503, 504, 505,
        507, 508, 509, 510, 512, 513, 515, 516, 517, 518, 520, 530, 540, 541, 559, 561, 562, 563, 570, 571, 573, 574, 575, 580, 585,
        586, 601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619, 620, 623, 626, 630, 631, 636, 641, 646,
        650, 651, 660, 661, 662, 678, 701, 702, 703, 704, 706, 707, 708, 712, 713, 714, 715, 716, 717, 718, 719, 720, 724, 727, 731,
        732, 734, 740, 757, 760, 763, 765, 770, 772, 773, 774, 775, 781, 785, 786, 801, 802, 803, 804, 805, 806, 808, 810, 812, 813,
        814, 815, 816, 817, 818, 828, 830, 831, 832, 843, 845, 847, 850, 856, 857, 858, 859, 860, 863, 864, 865, 870, 901, 903, 904,
        906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928, 931, 936, 937, 940, 941, 949, 951, 952, 954,
        956, 970, 971, 972, 973, 978, 979, 985, 989,
    ];
    private static readonly string[] Zips = ["10001", "94103", "60601", "85001", "30301", "75201", "98101", "02108", "33101", "80202", "97201", "55401"];
    private static readonly string[] First = ["Ada", "Alan", "Grace", "Linus", "Edsger", "Barbara", "Ken", "Margaret", "Donald", "Frances"];
    private static readonly string[] Last = ["Lovelace", "Turing", "Hopper", "Torvalds", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Knuth", "Allen"];

    /// <summary>Writes rows to path; returns the number of rows meant to be rejected.</summary>
    public static int Write(string path, int rows)
    {
        var random = new Random(20261127);
        var bad = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write(Header);
        w.Write('\n');
        var sb = new StringBuilder(256);
        for (var i = 0; i < rows; i++)
        {
            sb.Clear();
            var broken = random.Next(100) == 0;
            if (broken) bad++;
            var brokenPhone = broken && random.Next(2) == 0;
            sb.Append("C").Append(i).Append(',')
              .Append(First[random.Next(First.Length)]).Append(',')
              .Append(Last[random.Next(Last.Length)]).Append(',');
            if (brokenPhone) sb.Append("555-01"); else Phone(sb, random);
            sb.Append(',');
            Phone(sb, random);
            sb.Append(",user").Append(i).Append("@example.com,")
              .Append(Zips[random.Next(Zips.Length)]).Append(',')
              .Append((random.Next(100_000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture)).Append(',');
            if (broken && !brokenPhone) sb.Append("2026-13-45"); else sb.Append("2026-").Append((1 + random.Next(12)).ToString("00", CultureInfo.InvariantCulture)).Append('-').Append((1 + random.Next(28)).ToString("00", CultureInfo.InvariantCulture));
            sb.Append(',').Append(random.Next(2) == 0 ? "yes" : "no")
              .Append(",segment-").Append(random.Next(20))
              .Append(",note ").Append(random.Next(1000)).Append('\n');
            w.Write(sb);
        }
        return bad;
    }

    /// <summary>200-999 without N11 codes (211, 311, …), which are service codes, not exchanges.</summary>
    private static int Exchange(Random random)
    {
        var x = 200 + random.Next(800);
        return x % 100 == 11 ? x + 1 : x;
    }

    private static void Phone(StringBuilder sb, Random random)
    {
        sb.Append('(').Append(AreaCodes[random.Next(AreaCodes.Length)]).Append(") ")
          .Append(Exchange(random)).Append('-')
          .Append(random.Next(10_000).ToString("0000", CultureInfo.InvariantCulture));
    }
}
