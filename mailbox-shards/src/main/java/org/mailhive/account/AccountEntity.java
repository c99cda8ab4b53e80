package org.mailhive.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.mailhive.account.AccountEvent.AccountInitialized;
import org.mailhive.account.AccountEvent.FolderCreated;
import org.mailhive.account.AccountEvent.FolderDeleted;
import org.mailhive.account.AccountEvent.FolderRenamed;
import org.mailhive.account.AccountEvent.FolderSubscribed;
import org.mailhive.account.AccountEvent.FolderUnsubscribed;
import org.mailhive.account.AccountProtocol.Command;
import org.mailhive.account.AccountProtocol.CreateFolder;
import org.mailhive.account.AccountProtocol.DeleteFolder;
import org.mailhive.account.AccountProtocol.GetFolders;
import org.mailhive.account.AccountProtocol.Reason;
import org.mailhive.account.AccountProtocol.Rejected;
import org.mailhive.account.AccountProtocol.RenameFolder;
import org.mailhive.account.AccountProtocol.Subscribe;
import org.mailhive.account.AccountProtocol.Unsubscribe;
import org.mailhive.mailbox.RequestId;

/**
 * The single writer of one user's folder list: names, the mailbox each name points to, RFC 6154 special-use
 * attributes and subscriptions. The first command of a new account persists {@link AccountInitialized} with
 * INBOX, Drafts, Sent, Junk and Trash, so those exist for every user from first use (as Dovecot's
 * {@code auto = subscribe} mailboxes do). Replay rebuilds {@link AccountState} from the events alone.
 *
 * <p>INBOX always points to the mailbox id "INBOX", the one delivery appends to. Other folders get ids "m1",
 * "m2", … that are never reused. Names are case-sensitive except INBOX (RFC 3501 §5.1), which callers
 * normalise before they ask.
 */
public final class AccountEntity extends EventSourcedBehaviorWithEnforcedReplies<Command, AccountEvent, AccountState> {
  /** Folders every account starts with: name and RFC 6154 attribute. */
  public static final List<List<String>> DEFAULT_FOLDERS = List.of(
      List.of("Drafts", "\\Drafts"), List.of("Sent", "\\Sent"), List.of("Junk", "\\Junk"), List.of("Trash", "\\Trash"));
  static final int MAX_FOLDERS = 10_000;

  private AccountEntity(PersistenceId persistenceId) {
    super(persistenceId);
  }

  /** @param entityId "user:" (see {@link AccountSharding}) */
  public static AccountEntity create(String entityId) {
    return new AccountEntity(PersistenceId.of("Account", entityId));
  }

  @Override
  public AccountState emptyState() {
    return AccountState.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, AccountEvent, AccountState> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(GetFolders.class, this::onGetFolders)
        .onCommand(CreateFolder.class, this::onCreate)
        .onCommand(DeleteFolder.class, this::onDelete)
        .onCommand(RenameFolder.class, this::onRename)
        .onCommand(Subscribe.class, this::onSubscribe)
        .onCommand(Unsubscribe.class, this::onUnsubscribe)
        .onCommand(AccountProtocol.ObserveQuota.class, this::onObserveQuota)
        .build();
  }

  @Override
  public EventHandler<AccountState, AccountEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(AccountState::apply);
  }

  private ReplyEffect<AccountEvent, AccountState> onGetFolders(AccountState state, GetFolders cmd) {
    if (!state.initialized()) {
      return Effect().persist(initialized()).thenReply(cmd.replyTo(), AccountState::folders);
    }
    return Effect().reply(cmd.replyTo(), state.folders());
  }

  private ReplyEffect<AccountEvent, AccountState> onCreate(AccountState state, CreateFolder cmd) {
    if (alreadyApplied(state, cmd.requestId())) {
      return Effect().reply(cmd.replyTo(), state.folders());
    }
    List<AccountEvent> events = start(state);
    AccountState s = current(state, events);
    if (isInbox(cmd.name())) {
      return reject(cmd.replyTo(), Reason.ALREADY_EXISTS, "INBOX always exists");
    }
    Folder existing = s.folder(cmd.name());
    if (existing != null && !existing.noselect()) {
      return reject(cmd.replyTo(), Reason.ALREADY_EXISTS, "Mailbox already exists");
    }
    int created = 0;
    String[] parts = cmd.name().split(AccountState.DELIMITER, -1);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        path.append(AccountState.DELIMITER);
      }
      path.append(parts[i]);
      String name = path.toString();
      boolean last = i == parts.length - 1;
      Folder f = s.folder(name);
      if (f == null || (last && f.noselect())) {
        events.add(new FolderCreated(new Folder(name, s.mailboxId(created++), last ? cmd.specialUse() : "", false)));
      }
    }
    if (s.folderCount() + created > MAX_FOLDERS) {
      return reject(cmd.replyTo(), Reason.LIMIT, "Too many mailboxes");
    }
    recordRequest(events, cmd.requestId());
    return Effect().persist(events).thenReply(cmd.replyTo(), AccountState::folders);
  }

  private ReplyEffect<AccountEvent, AccountState> onDelete(AccountState state, DeleteFolder cmd) {
    if (alreadyApplied(state, cmd.requestId())) {
      return Effect().reply(cmd.replyTo(), state.folders());
    }
    List<AccountEvent> events = start(state);
    AccountState s = current(state, events);
    if (isInbox(cmd.name())) {
      return reject(cmd.replyTo(), Reason.CANNOT, "INBOX cannot be deleted");
    }
    Folder f = s.folder(cmd.name());
    if (f == null) {
      return reject(cmd.replyTo(), Reason.NOT_FOUND, "Mailbox does not exist");
    }
    if (f.noselect() && s.hasChildren(cmd.name())) {
      // RFC 3501 §6.3.4: deleting a \Noselect name that has inferiors is an error.
      return reject(cmd.replyTo(), Reason.CANNOT, "Mailbox has inferior hierarchical names");
    }
    events.add(new FolderDeleted(cmd.name()));
    recordRequest(events, cmd.requestId());
    return Effect().persist(events).thenReply(cmd.replyTo(), AccountState::folders);
  }

  private ReplyEffect<AccountEvent, AccountState> onRename(AccountState state, RenameFolder cmd) {
    if (alreadyApplied(state, cmd.requestId())) {
      return Effect().reply(cmd.replyTo(), state.folders());
    }
    List<AccountEvent> events = start(state);
    AccountState s = current(state, events);
    Folder from = isInbox(cmd.from()) ? s.folder(AccountState.INBOX) : s.folder(cmd.from());
    if (from == null || from.noselect()) {
      return reject(cmd.replyTo(), Reason.NOT_FOUND, "Mailbox does not exist");
    }
    if (isInbox(cmd.to()) || s.folder(cmd.to()) != null) {
      return reject(cmd.replyTo(), Reason.ALREADY_EXISTS, "Target mailbox already exists");
    }
    if (cmd.to().startsWith(from.name() + AccountState.DELIMITER)) {
      return reject(cmd.replyTo(), Reason.CANNOT, "Cannot rename a mailbox into itself");
    }
    int created = 0;
    String[] parts = cmd.to().split(AccountState.DELIMITER, -1);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      if (i > 0) {
        path.append(AccountState.DELIMITER);
      }
      path.append(parts[i]);
      if (s.folder(path.toString()) == null) {
        events.add(new FolderCreated(new Folder(path.toString(), s.mailboxId(created++), "", false)));
      }
    }
    if (from.name().equals(AccountState.INBOX)) {
      // RFC 3501 §6.3.5: renaming INBOX moves its messages to a new mailbox and leaves INBOX empty.
      events.add(new FolderCreated(new Folder(cmd.to(), s.mailboxId(created), "", false)));
    } else {
      events.add(new FolderRenamed(from.name(), cmd.to()));
    }
    recordRequest(events, cmd.requestId());
    return Effect().persist(events).thenReply(cmd.replyTo(), AccountState::folders);
  }

  private ReplyEffect<AccountEvent, AccountState> onSubscribe(AccountState state, Subscribe cmd) {
    List<AccountEvent> events = start(state);
    events.add(new FolderSubscribed(isInbox(cmd.name()) ? AccountState.INBOX : cmd.name()));
    return Effect().persist(events).thenReply(cmd.replyTo(), AccountState::folders);
  }

  private ReplyEffect<AccountEvent, AccountState> onUnsubscribe(AccountState state, Unsubscribe cmd) {
    List<AccountEvent> events = start(state);
    AccountState s = current(state, events);
    String name = isInbox(cmd.name()) ? AccountState.INBOX : cmd.name();
    if (!s.folders().subscriptions().contains(name)) {
      return reject(cmd.replyTo(), Reason.NOT_FOUND, "Not subscribed");
    }
    events.add(new FolderUnsubscribed(name));
    return Effect().persist(events).thenReply(cmd.replyTo(), AccountState::folders);
  }

  private ReplyEffect<AccountEvent, AccountState> onObserveQuota(AccountState state, AccountProtocol.ObserveQuota cmd) {
    if (cmd.atWarningLevel() && !state.quotaWarned()) {
      return Effect().persist(new AccountEvent.QuotaWarningSent(cmd.bytes(), cmd.messages()))
          .thenReply(cmd.replyTo(), s -> new AccountProtocol.WarningDecision(true));
    }
    if (!cmd.atWarningLevel() && state.quotaWarned()) {
      return Effect().persist(new AccountEvent.QuotaWarningRearmed(cmd.bytes(), cmd.messages()))
          .thenReply(cmd.replyTo(), s -> new AccountProtocol.WarningDecision(false));
    }
    return Effect().reply(cmd.replyTo(), new AccountProtocol.WarningDecision(false));
  }

  private ReplyEffect<AccountEvent, AccountState> reject(
      org.apache.pekko.actor.typed.ActorRef<AccountProtocol.Reply> replyTo, Reason reason, String detail) {
    return Effect().reply(replyTo, new Rejected(reason, detail));
  }

  // A command sent again after a hand-off (HandOffRetry) whose first copy was applied: answer, change nothing.
  private static boolean alreadyApplied(AccountState state, RequestId id) {
    return id != null && state.applied(id.value());
  }

  private static void recordRequest(List<AccountEvent> events, RequestId id) {
    if (id != null) {
      events.add(new AccountEvent.RequestApplied(id.value()));
    }
  }

  private static List<AccountEvent> start(AccountState state) {
    List<AccountEvent> events = new ArrayList<>();
    if (!state.initialized()) {
      events.add(initialized());
    }
    return events;
  }

  private static AccountState current(AccountState state, List<AccountEvent> events) {
    AccountState s = state;
    for (AccountEvent e : events) {
      s = s.apply(e);
    }
    return s;
  }

  static boolean isInbox(String name) {
    return name.toUpperCase(Locale.ROOT).equals(AccountState.INBOX);
  }

  private static AccountInitialized initialized() {
    List<Folder> folders = new ArrayList<>();
    folders.add(new Folder(AccountState.INBOX, AccountState.INBOX, "", false));
    int n = 1;
    for (List<String> d : DEFAULT_FOLDERS) {
      folders.add(new Folder(d.get(0), "m" + n++, d.get(1), false));
    }
    return new AccountInitialized(List.copyOf(folders));
  }
}
