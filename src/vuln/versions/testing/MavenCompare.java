// Reads pairs of versions (one per line, two lines per pair) from stdin and prints, for each pair,
// the sign of Maven's own ComparableVersion comparison: the reference for maven.test.ts.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenCompare {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String a;
        while ((a = in.readLine()) != null) {
            String b = in.readLine();
            out.println(Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b))));
        }
        out.flush();
    }
}
