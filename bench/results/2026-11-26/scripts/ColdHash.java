import org.mailhive.directory.*;
public class ColdHash {
  public static void main(String[] a) throws Exception {
    long t0=System.nanoTime();
    String h = PasswordHash.hash("abcdefghijkmnopqrstu"); // includes class init (DUMMY hash)
    long t1=System.nanoTime();
    String h2 = PasswordHash.hash("abcdefghijkmnopqrstu");
    long t2=System.nanoTime();
    boolean ok = PasswordHash.verify(h, "abcdefghijkmnopqrstu");
    long t3=System.nanoTime();
    String s = ScramCredentials.derive("abcdefghijkmnopqrstu");
    long t4=System.nanoTime();
    System.out.printf("class init + first hash %.0f ms, second hash %.0f ms, verify %.0f ms (%s), scram %.0f ms%n",
      (t1-t0)/1e6,(t2-t1)/1e6,(t3-t2)/1e6,ok,(t4-t3)/1e6);
  }
}
