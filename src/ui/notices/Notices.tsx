import { useNoticeStore } from '../../stores/noticeStore.ts';

/** Messages about links, files and saved runs, shown until dismissed. */
export function Notices() {
  const notices = useNoticeStore((state) => state.notices);
  const dismiss = useNoticeStore((state) => state.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice ${notice.level}`}
          role={notice.level === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          <span>{notice.text}</span>
          {notice.action && (
            <button type="button" onClick={notice.action.run}>
              {notice.action.label}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => dismiss(notice.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
